#include "harness/targets/record_stream.hpp"

#include <array>

namespace clonediff::targets {

// Level 1: under TCG the guest's CPU is dear, and the records, mostly the
// same keys and values again, shrink about as well as at the default level.
RecordDeflater::RecordDeflater() { ok_ = ::deflateInit(&z_, 1) == Z_OK; }

RecordDeflater::~RecordDeflater() {
  if (ok_) ::deflateEnd(&z_);
}

void RecordDeflater::run(std::string_view text, int mode, std::string& out) {
  if (!ok_) return;
  z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z_.avail_in = static_cast<uInt>(text.size());
  std::array<char, 16384> buf;
  do {
    z_.next_out = reinterpret_cast<Bytef*>(buf.data());
    z_.avail_out = static_cast<uInt>(buf.size());
    const int st = ::deflate(&z_, mode);
    if (st == Z_STREAM_ERROR) {
      ok_ = false;
      return;
    }
    out.append(buf.data(), buf.size() - z_.avail_out);
  } while (z_.avail_out == 0 || z_.avail_in > 0);
}

void RecordDeflater::add(std::string_view text, std::string& out) { run(text, Z_NO_FLUSH, out); }
void RecordDeflater::flush(std::string& out) { run({}, Z_SYNC_FLUSH, out); }
void RecordDeflater::finish(std::string& out) { run({}, Z_FINISH, out); }

InflatedRecords inflate_records(std::string_view deflated) {
  InflatedRecords r;
  z_stream z{};
  if (::inflateInit(&z) != Z_OK) {
    r.problem = "zlib cannot start inflating";
    return r;
  }
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(deflated.data()));
  z.avail_in = static_cast<uInt>(deflated.size());
  std::array<char, 65536> buf;
  int st = Z_OK;
  while (st == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf.data());
    z.avail_out = static_cast<uInt>(buf.size());
    st = ::inflate(&z, Z_NO_FLUSH);
    r.text.append(buf.data(), buf.size() - z.avail_out);
    if (st == Z_BUF_ERROR && z.avail_in == 0) break;  // no more input: the stream was cut
  }
  if (st == Z_STREAM_END) {
    if (z.avail_in != 0) r.problem = std::to_string(z.avail_in) + " bytes follow the end of the records' stream";
  } else if (st == Z_OK || st == Z_BUF_ERROR) {
    r.problem = deflated.empty() ? "no records came over the port" : "the records' stream ends early";
  } else {
    r.problem = "the records' stream is corrupt after " + std::to_string(z.total_in) + " bytes" +
                (z.msg ? std::string(" (") + z.msg + ")" : std::string());
  }
  ::inflateEnd(&z);
  return r;
}

}  // namespace clonediff::targets
