// How a kernel target's output crosses the second serial port: what the
// guest's run writes (a run's results stream, records/result_wire.hpp; another
// command's JSON lines), deflated (zlib) by the guest's init. A serial port
// under TCG carries some hundred kilobytes a second.
//
// The guest flushes the stream (Z_SYNC_FLUSH) whenever its run pauses and
// at least once a second, so that what crossed before a guest that dies
// inflates on the host: every record before the last flush comes back, and
// the host counts the rest as missing (a kernel panic costs the records after
// the last flush, never the ones before).
#pragma once

#include <zlib.h>

#include <string>
#include <string_view>

namespace clonediff::targets {

// The guest's side: text in, deflated bytes out. Not thread-safe; no
// allocation after construction beyond zlib's own state.
class RecordDeflater {
 public:
  RecordDeflater();
  ~RecordDeflater();
  RecordDeflater(const RecordDeflater&) = delete;
  RecordDeflater& operator=(const RecordDeflater&) = delete;

  bool ok() const { return ok_; }
  // Deflates `text` and appends what zlib emits to `out` (maybe nothing yet).
  void add(std::string_view text, std::string& out);
  // Everything added so far, decodable: appends to `out`.
  void flush(std::string& out);
  // The end of the stream: appends to `out`. Nothing may be added after it.
  void finish(std::string& out);

 private:
  void run(std::string_view text, int mode, std::string& out);
  z_stream z_{};
  bool ok_ = false;
};

struct InflatedRecords {
  std::string text;  // every byte that inflated, a partial last line included
  // Empty when the stream was whole; else what was wrong: it ends early (the
  // guest died, or the port lost its tail) or it is corrupt from some point.
  std::string problem;
};

// The host's side: inflates what came over the port, as far as it goes.
InflatedRecords inflate_records(std::string_view deflated);

}  // namespace clonediff::targets
