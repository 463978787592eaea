#include "store/multi_row.h"

namespace openupr::store {

std::string MultiRowInsert(const char* head, int width, size_t rows) {
  std::string one = "(";
  for (int i = 0; i < width; ++i) one += i ? ",?" : "?";
  one += ")";
  std::string sql = head;
  sql += " VALUES ";
  for (size_t r = 0; r < rows; ++r) {
    if (r) sql += ',';
    sql += one;
  }
  return sql;
}

}  // namespace openupr::store
