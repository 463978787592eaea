// How the UHRI readers (ingest/uhri_json.h, ingest/uhri_xlsx.h) hand their records to the
// importer: in batches, so that a 360 MB export never sits in memory whole.
#pragma once

#include <functional>
#include <vector>

#include "core/uhri.h"

namespace openupr::ingest {

// Receives records in batches (about 1,024 records each, in file order). The batch is the
// sink's to keep or move from. Returning false stops the reading: the reader then returns an ok
// status and sends nothing more. Called on the reader's thread.
using UhriSink = std::function<bool(std::vector<UhriRecord>&& batch)>;

}  // namespace openupr::ingest
