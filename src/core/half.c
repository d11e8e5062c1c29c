/* half.c — see half.h. */
#include "core/half.h"

#include <math.h>

float kt_half_to_float(uint16_t h) {
  const uint32_t sign = (uint32_t)(h >> 15) & 1u;
  const int32_t exp = (h >> 10) & 0x1f;
  const uint32_t mant = h & 0x3ffu;
  float v;
  if (exp == 0)
    v = ldexpf((float)mant, -24); /* zero or subnormal */
  else if (exp == 31)
    v = mant ? NAN : INFINITY;
  else
    v = ldexpf((float)(mant | 0x400u), exp - 25);
  return sign ? -v : v;
}
