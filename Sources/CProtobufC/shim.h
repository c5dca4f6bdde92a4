#ifndef CLINIC_CPROTOBUFC_SHIM_H
#define CLINIC_CPROTOBUFC_SHIM_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/// `protobuf_c_empty_string` is a const array Swift cannot reference; string fields point at it
/// after `__init`, and a string field must never be left NULL.
static inline char *cprotobufc_empty_string(void) {
    return (char *)protobuf_c_empty_string;
}

/// A bump allocator for protobuf-c's unpack: it carves allocations out of [next, end) and asks
/// `refill` (Swift's ProtoArena, which owns all the memory) for more when that runs out. In C so
/// the allocation protobuf-c makes for every string and sub-message is a few instructions.
typedef struct cprotobufc_bump {
    char *next;
    char *end;
    void *(*refill)(struct cprotobufc_bump *bump, size_t size);
    void *owner;
} cprotobufc_bump;

static inline void *cprotobufc_bump_alloc(void *data, size_t size) {
    cprotobufc_bump *bump = (cprotobufc_bump *)data;
    size_t rounded = (size + 7) & ~(size_t)7;
    if (bump->next != NULL && (size_t)(bump->end - bump->next) >= rounded) {
        void *pointer = bump->next;
        bump->next += rounded;
        return pointer;
    }
    return bump->refill(bump, rounded);
}

/// Frees nothing: the arena goes as a whole.
static inline void cprotobufc_bump_free(void *data, void *pointer) {
    (void)data;
    (void)pointer;
}

#endif
