#ifndef CLINIC_CPROTOBUFC_SHIM_H
#define CLINIC_CPROTOBUFC_SHIM_H

#include <protobuf-c/protobuf-c.h>

/// `protobuf_c_empty_string` is a const array Swift cannot reference; string fields point at it
/// after `__init`, and a string field must never be left NULL.
static inline char *cprotobufc_empty_string(void) {
    return (char *)protobuf_c_empty_string;
}

#endif
