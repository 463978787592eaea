// What the fuzz targets share: a database of real records, made once per process.
#pragma once

#include <string>

namespace openupr::fuzz {

// The path of an OpenUPR database holding every 20th row of the real UPR Info file
// sessions-01-05.csv (from $OPENUPR_DATA_DIR/upr-info, else the build's OPENUPR_SHARED_DATA),
// imported into a fresh temporary folder on the first call (removed at exit). Aborts with a message if that fails: a target cannot run
// without it.
const std::string& RealDatabase();

}  // namespace openupr::fuzz
