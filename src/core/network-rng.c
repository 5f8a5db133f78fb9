/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network's random numbers: Philox4x32-10, bounded integers, and Gaussian noise by
 * Box-Muller with its own branch-free log, sin and cos, so the noise loop vectorises and gives
 * the same bits on every machine (libm's results may differ between versions). */
#include <string.h>

#include "network-private.h"

void st_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    st_net_philox(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out);
}

uint32_t st_net_bounded(uint32_t range, uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                        const uint32_t key[2])
{
    uint32_t x[4];
    st_net_philox(c0, c1, c2, c3, key[0], key[1], x);
    uint32_t threshold = (uint32_t)(-range) % range; /* 2^32 mod range */
    uint64_t m = 0;
    for (int j = 0; j < 4; j++) {
        m = (uint64_t)x[j] * range;
        if ((uint32_t)m >= threshold)
            break;
    }
    return (uint32_t)(m >> 32);
}

/* ---- Box-Muller, branch-free ---------------------------------------------------------------- */

static inline double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static inline uint64_t to_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

/* 0 <= x < 2^52 as a double, by the exponent trick (no int-to-float instruction needed). */
static inline double small_uint(uint64_t x)
{
    return from_bits(0x4330000000000000u | x) - 0x1p52;
}

#define LN2 0.69314718055994530942
#define SQRT2 1.41421356237309504880
#define TWO_PI_2_32 1.46291807926715968105e-09 /* 2 pi / 2^32 */

double st_net_log(double x)
{
    uint64_t bits = to_bits(x);
    double e = small_uint(bits >> 52) - 1023.0;
    double m = from_bits((bits & 0x000FFFFFFFFFFFFFu) | 0x3FF0000000000000u);
    if (m > SQRT2) {
        m *= 0.5;
        e += 1.0;
    }
    double s = (m - 1.0) / (m + 1.0), s2 = s * s;
    double poly = 1.0 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 +
                  s2 * (1.0 / 11 + s2 * (1.0 / 13 + s2 * (1.0 / 15 + s2 * (1.0 / 17))))))));
    return e * LN2 + 2.0 * s * poly;
}

/* sqrt(-2 ln u) for u = (w + 0.5) / 2^32, w a 32-bit word: 2 (32 ln 2 - ln(w + 0.5)) with
 * ln x = e ln 2 + 2 atanh((m - 1)/(m + 1)), x = m 2^e, m in [sqrt(1/2), sqrt(2)); the atanh
 * series to s^15 is within 4e-14 relative. */
static inline double radius(uint64_t w)
{
    double x = small_uint(w) + 0.5;
    uint64_t bits = to_bits(x);
    double e = small_uint(bits >> 52) - 1023.0;
    double m = from_bits((bits & 0x000FFFFFFFFFFFFFu) | 0x3FF0000000000000u);
    bool big = m > SQRT2;
    m = big ? 0.5 * m : m;
    e = big ? e + 1.0 : e;
    double s = (m - 1.0) / (m + 1.0), s2 = s * s;
    double poly = 1.0 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 +
                  s2 * (1.0 / 11 + s2 * (1.0 / 13 + s2 * (1.0 / 15)))))));
    double t = (32.0 - e) * LN2 - 2.0 * s * poly; /* -ln u > 1e-10 */
    return __builtin_sqrt(2.0 * t);
}

/* cos and sin of 2 pi w / 2^32: the quarter turn q nearest to it, then Taylor series of the
 * remainder (|x| <= pi/4; within 2e-14), rotated by q. */
static inline void turn(uint64_t w, double *cs, double *sn)
{
    uint64_t q = ((w + 0x20000000u) >> 30) & 3u;
    uint64_t r = (w - (q << 30) + 0x80000000u) & 0xFFFFFFFFu; /* offset remainder, >= 0 */
    double x = (small_uint(r) - 2147483648.0) * TWO_PI_2_32, x2 = x * x;
    double s = x * (1.0 + x2 * (-1.0 / 6 + x2 * (1.0 / 120 + x2 * (-1.0 / 5040 +
               x2 * (1.0 / 362880 + x2 * (-1.0 / 39916800 + x2 * (1.0 / 6227020800.0)))))));
    double c = 1.0 + x2 * (-0.5 + x2 * (1.0 / 24 + x2 * (-1.0 / 720 + x2 * (1.0 / 40320 +
               x2 * (-1.0 / 3628800 + x2 * (1.0 / 479001600 + x2 * (-1.0 / 87178291200.0)))))));
    bool odd = (q & 1u) != 0, neg_c = (((q + 1u) >> 1) & 1u) != 0, neg_s = (q >> 1) != 0;
    double cr = odd ? s : c, sr = odd ? c : s;
    *cs = neg_c ? -cr : cr;
    *sn = neg_s ? -sr : sr;
}

ST_NET_KERNEL
void st_net_normals(uint64_t step, uint32_t g0, uint32_t g1, const uint32_t key[2], double *z)
{
    uint32_t k0 = key[0], k1 = key[1];
    uint32_t slo = (uint32_t)step, shi = (uint32_t)(step >> 32);
    for (uint32_t g = g0; g < g1; g++) {
        uint32_t x[4];
        st_net_philox(g, slo, shi, NET_STREAM_NOISE, k0, k1, x);
        double r0 = radius(x[0]), r1 = radius(x[2]), c0, s0, c1, s1;
        turn(x[1], &c0, &s0);
        turn(x[3], &c1, &s1);
        double *o = z + 4 * (size_t)(g - g0);
        o[0] = r0 * c0;
        o[1] = r0 * s0;
        o[2] = r1 * c1;
        o[3] = r1 * s1;
    }
}
