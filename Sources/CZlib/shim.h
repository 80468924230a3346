#include <zlib.h>

/* deflateInit2 is a macro; Swift cannot call it. */
static inline int czlib_deflate_init_raw(z_streamp strm, int level) {
    return deflateInit2(strm, level, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
}

/* inflateInit2 is a macro too: raw inflate (no header), the whole 32 KiB window. */
static inline int czlib_inflate_init_raw(z_streamp strm) {
    return inflateInit2(strm, -MAX_WBITS);
}
