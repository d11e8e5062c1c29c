/* error.h — recording the reason for a failure (internal). */
#ifndef KT_CORE_ERROR_H
#define KT_CORE_ERROR_H

#include "kinetrack.h"

/* Records a formatted reason for kt_last_error() and returns `status`,
 * so failures read: `return kt_fail(kt_status_unsupported, "op %s", op);` */
kt_status kt_fail(kt_status status, const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void kt_clear_error(void);

#endif
