/* half.h — IEEE 754 binary16 to float (internal), for weights stored as
 * f16 by either model format. */
#ifndef KT_CORE_HALF_H
#define KT_CORE_HALF_H

#include <stdint.h>

/* Exact for every input (subnormals, inf, NaN). */
float kt_half_to_float(uint16_t h);

#endif
