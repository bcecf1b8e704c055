#include "update/patch.hpp"

#include <zstd.h>

#include <bit>
#include <memory>

namespace keel::update {

namespace {

Error zstd_error(std::string what, std::size_t code) {
  return Error{what + ": " + ZSTD_getErrorName(code), {}, Exit::failed};
}

}  // namespace

Result<std::string> make_patch(std::string_view old_binary, std::string_view new_binary) {
  std::uint64_t span = old_binary.size() + new_binary.size();
  int window = std::max(10, static_cast<int>(std::bit_width(span)));
  if (window > k_patch_window_log_max)
    return Error{"a patch needs the old and new binaries under 128 MiB together", {}, Exit::failed};
  std::unique_ptr<ZSTD_CCtx, std::size_t (*)(ZSTD_CCtx*)> c(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!c) throw std::bad_alloc();
  // What `zstd -19 --long --patch-from` does: the old binary as a prefix
  // the window reaches over, and long-distance matching to find it.
  ZSTD_CCtx_setParameter(c.get(), ZSTD_c_compressionLevel, 19);
  ZSTD_CCtx_setParameter(c.get(), ZSTD_c_windowLog, window);
  ZSTD_CCtx_setParameter(c.get(), ZSTD_c_enableLongDistanceMatching, 1);
  ZSTD_CCtx_setParameter(c.get(), ZSTD_c_checksumFlag, 1);
  if (std::size_t r = ZSTD_CCtx_refPrefix(c.get(), old_binary.data(), old_binary.size()); ZSTD_isError(r))
    return zstd_error("cannot make the patch", r);
  std::string out(ZSTD_compressBound(new_binary.size()), '\0');
  std::size_t n = ZSTD_compress2(c.get(), out.data(), out.size(), new_binary.data(), new_binary.size());
  if (ZSTD_isError(n)) return zstd_error("cannot make the patch", n);
  out.resize(n);
  return out;
}

Status apply_patch(std::string_view old_binary, std::string_view patch, std::uint64_t max_size,
                   const std::function<bool(std::string_view)>& out) {
  std::unique_ptr<ZSTD_DCtx, std::size_t (*)(ZSTD_DCtx*)> d(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!d) throw std::bad_alloc();
  // A hostile patch must not ask for more than a binary's window.
  ZSTD_DCtx_setParameter(d.get(), ZSTD_d_windowLogMax, k_patch_window_log_max);
  if (std::size_t r = ZSTD_DCtx_refPrefix(d.get(), old_binary.data(), old_binary.size()); ZSTD_isError(r))
    return zstd_error("the patch does not apply", r);
  ZSTD_inBuffer in{patch.data(), patch.size(), 0};
  std::string buffer(1u << 20, '\0');  // fewer, larger writes
  std::uint64_t written = 0;
  std::size_t left = 1;
  while (in.pos < in.size || left != 0) {
    ZSTD_outBuffer o{buffer.data(), buffer.size(), 0};
    std::size_t before = in.pos;
    left = ZSTD_decompressStream(d.get(), &o, &in);
    if (ZSTD_isError(left)) return zstd_error("the patch does not apply", left);
    written += o.pos;
    if (written > max_size) return Error{"the patch makes more than the manifest's size", {}, Exit::failed};
    if (o.pos && !out({buffer.data(), o.pos})) return Error{"cannot write the new binary", {}, Exit::io};
    // The frame ended with input left, or no progress is possible.
    if (left == 0 && in.pos < in.size) return Error{"the patch has bytes after its end", {}, Exit::failed};
    if (o.pos == 0 && in.pos == before && in.pos == in.size)
      return Error{"the patch is cut short", {}, Exit::failed};
  }
  return ok_status();
}

}  // namespace keel::update
