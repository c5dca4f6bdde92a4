#ifndef CLINIC_CPROTOBUFC_SHIM_H
#define CLINIC_CPROTOBUFC_SHIM_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/// What `cprotobufc_wire_check` found.
enum {
    /// Well-formed; no message repeats a singular message field.
    CPROTOBUFC_WIRE_OK = 0,
    /// Well-formed, but some message repeats a singular message field (or one past the 256th
    /// field, which the check does not track): decode through the wire merger.
    CPROTOBUFC_WIRE_REPEATS_MESSAGE = 1,
    /// Rejected: the caller runs the full wire scanner to say why.
    CPROTOBUFC_WIRE_REJECTED = -1,
};

/// A varint at `p` (`rem` bytes left) into `*out`; the bytes it took, or 0 when it is cut off or
/// does not fit in 64 bits (a tenth byte above 1), as the Swift wire scanner rules.
static inline size_t cprotobufc_wire_varint(const uint8_t *p, size_t rem, uint64_t *out) {
    if (rem > 0 && p[0] < 0x80) {
        *out = p[0];
        return 1;
    }
    uint64_t value = 0;
    size_t max = rem < 10 ? rem : 10;
    for (size_t i = 0; i < max; i++) {
        uint8_t byte = p[i];
        value |= (uint64_t)(byte & 0x7F) << (7 * i);
        if (byte < 0x80) {
            if (i == 9 && byte > 1) return 0;
            *out = value;
            return i + 1;
        }
    }
    return 0;
}

/// The field numbered `number`: straight from the array when fields are numbered 1, 2, 3...
static inline const ProtobufCFieldDescriptor *cprotobufc_wire_field(
    const ProtobufCMessageDescriptor *desc, uint32_t number) {
    if (number >= 1 && number <= desc->n_fields) {
        const ProtobufCFieldDescriptor *candidate = desc->fields + (number - 1);
        if (candidate->id == number) return candidate;
    }
    return protobuf_c_message_descriptor_get_field(desc, number);
}

/// The bytes the varint at `p` (`rem` bytes left) takes, or 0 as `cprotobufc_wire_varint` rules;
/// its value is not needed. With 8 bytes at hand, one word finds the last byte of a varint of up
/// to 8 bytes (the common multi-byte case: timestamps, negative numbers).
static inline size_t cprotobufc_wire_skip_varint(const uint8_t *p, size_t rem) {
    if (rem >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        word = __builtin_bswap64(word);
#endif
        uint64_t last = ~word & 0x8080808080808080ULL;
        if (last != 0) return ((size_t)__builtin_ctzll(last) >> 3) + 1;
    }
    uint64_t value;
    return cprotobufc_wire_varint(p, rem, &value);
}

/// Reads the field key at `*p` into `*key` and moves `*p` past it; 0 when the varint is cut off
/// or overlong, or the field number is 0 or past 2^29 - 1. Shared by the walk and the skim.
static inline __attribute__((always_inline)) int cprotobufc_wire_read_key(const uint8_t **p, const uint8_t *end,
                                                                         uint64_t *key) {
    uint64_t first = **p;
    if (first < 0x80) {
        if (first < 8) return 0;  // field number 0
        *key = first;
        *p += 1;
        return 1;
    }
    size_t used = cprotobufc_wire_varint(*p, (size_t)(end - *p), key);
    // Field numbers 0 and past 2^29 - 1 (the subtraction wraps 0 around).
    if (used == 0 || (*key >> 3) - 1 >= 0x1FFFFFFF) return 0;
    *p += used;
    return 1;
}

/// Reads a length-delimited field's length at `*p` into `*length` and moves `*p` to its payload;
/// 0 when the varint is bad or the payload runs past `end`.
static inline __attribute__((always_inline)) int cprotobufc_wire_read_length(const uint8_t **p, const uint8_t *end,
                                                                            size_t *length) {
    size_t rem = (size_t)(end - *p), used;
    uint64_t value;
    if (rem > 0 && **p < 0x80) {
        value = **p;
        used = 1;
    } else {
        used = cprotobufc_wire_varint(*p, rem, &value);
        if (used == 0) return 0;
    }
    if (value > rem - used) return 0;
    *p += used;
    *length = (size_t)value;
    return 1;
}

/// Moves `*p` past the value of a varint, fixed64 or fixed32 field (wire type 0, 1 or 5); 0 when it
/// is cut off, or for groups (3, 4) and the undefined wire types 6 and 7.
static inline __attribute__((always_inline)) int cprotobufc_wire_skip_scalar(const uint8_t **p, const uint8_t *end,
                                                                            uint64_t wire_type) {
    size_t rem = (size_t)(end - *p), used;
    switch (wire_type) {
    case 0:
        used = cprotobufc_wire_skip_varint(*p, rem);
        if (used == 0) return 0;
        break;
    case 1:
        used = 8;
        break;
    case 5:
        used = 4;
        break;
    default:
        return 0;
    }
    if (used > rem) return 0;
    *p += used;
    return 1;
}

/// Most fields a message type may have for `cprotobufc_wire_is_leaf` to look at them all.
#define CPROTOBUFC_WIRE_LEAF_FIELDS 16

/// Whether the type has no message fields (a map entry, a record of scalars and strings), so its
/// encoding holds no nesting to bound and no singular message to repeat: `cprotobufc_wire_skim`
/// checks it. Types with many fields are walked as usual instead of being looked through here.
static inline int cprotobufc_wire_is_leaf(const ProtobufCMessageDescriptor *desc) {
    if (desc->n_fields > CPROTOBUFC_WIRE_LEAF_FIELDS) return 0;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        if (desc->fields[i].type == PROTOBUF_C_TYPE_MESSAGE) return 0;
    }
    return 1;
}

/// The structure of a leaf message's encoding (see `cprotobufc_wire_is_leaf`), with the rules of
/// `cprotobufc_wire_walk` (varints, field numbers 1 to 2^29 - 1, wire types, lengths) and no
/// field lookups: only for input without zero bytes, where no string can hold a NUL. Inlined into
/// the walk: a map entry is a few bytes, less than the cost of a call.
static inline __attribute__((always_inline)) int cprotobufc_wire_skim(const uint8_t *p, size_t n) {
    const uint8_t *end = p + n;
    while (p < end) {
        uint64_t key;
        if (!cprotobufc_wire_read_key(&p, end, &key)) return CPROTOBUFC_WIRE_REJECTED;
        if ((key & 7) == 2) {
            size_t length;
            if (!cprotobufc_wire_read_length(&p, end, &length)) return CPROTOBUFC_WIRE_REJECTED;
            p += length;
        } else if (!cprotobufc_wire_skip_scalar(&p, end, key & 7)) {
            return CPROTOBUFC_WIRE_REJECTED;
        }
    }
    return CPROTOBUFC_WIRE_OK;
}

static inline int cprotobufc_wire_walk(const uint8_t *p, size_t n, const ProtobufCMessageDescriptor *desc,
                                       int depth, int max_depth, int check_nul, int *repeats) {
    if (depth > max_depth) return CPROTOBUFC_WIRE_REJECTED;
    // Singular message fields seen at this level, by field index.
    uint64_t seen[4] = {0, 0, 0, 0};
    // The last message type found to be a leaf (map entries repeat theirs).
    const ProtobufCMessageDescriptor *leaf = NULL;
    const uint8_t *end = p + n;
    while (p < end) {
        uint64_t key;
        if (!cprotobufc_wire_read_key(&p, end, &key)) return CPROTOBUFC_WIRE_REJECTED;
        if ((key & 7) != 2) {
            if (!cprotobufc_wire_skip_scalar(&p, end, key & 7)) return CPROTOBUFC_WIRE_REJECTED;
            continue;
        }
        size_t length;
        if (!cprotobufc_wire_read_length(&p, end, &length)) return CPROTOBUFC_WIRE_REJECTED;
        const uint8_t *payload = p;
        p += length;
        const ProtobufCFieldDescriptor *field = cprotobufc_wire_field(desc, (uint32_t)(key >> 3));
        if (field == NULL) continue;  // unknown: kept as raw bytes, never looked into
        if (field->type == PROTOBUF_C_TYPE_MESSAGE) {
            if (field->label != PROTOBUF_C_LABEL_REPEATED && !*repeats) {
                size_t index = (size_t)(field - desc->fields);
                if (index < 256) {
                    uint64_t bit = (uint64_t)1 << (index & 63);
                    if (seen[index >> 6] & bit) *repeats = 1;
                    seen[index >> 6] |= bit;
                } else {
                    *repeats = 1;
                }
            }
            const ProtobufCMessageDescriptor *type = (const ProtobufCMessageDescriptor *)field->descriptor;
            int nested;
            if (!check_nul && (type == leaf || cprotobufc_wire_is_leaf(type))) {
                leaf = type;
                nested = depth + 1 > max_depth ? CPROTOBUFC_WIRE_REJECTED : cprotobufc_wire_skim(payload, length);
            } else {
                nested = cprotobufc_wire_walk(payload, length, type, depth + 1, max_depth, check_nul, repeats);
            }
            if (nested < 0) return nested;
        } else if (check_nul && field->type == PROTOBUF_C_TYPE_STRING && length > 0 &&
                   memchr(payload, 0, length) != NULL) {
            return CPROTOBUFC_WIRE_REJECTED;
        }
    }
    return CPROTOBUFC_WIRE_OK;
}

/// The binary decoder's check before `unpack`: everything the Swift wire scanner rejects except
/// the decoded-size bound (the arena's allocator enforces that) and UTF-8 (the generated readers
/// validate each string as they copy it): varints, field numbers, wire types, lengths, nesting
/// deeper than `max_depth` (protobuf-c recurses without a bound), and NUL inside strings
/// (protobuf-c cuts the string there). Strings are searched for NUL only when the input holds a
/// zero byte at all. Also reports a repeated singular message field, which protobuf-c merges
/// wrongly. One tight pass with no allocation; on rejection the caller runs the Swift scanner for
/// the typed error.
static inline int cprotobufc_wire_check(const uint8_t *data, size_t length, const ProtobufCMessageDescriptor *desc,
                                        int max_depth) {
    if (length == 0) return CPROTOBUFC_WIRE_OK;
    int check_nul = memchr(data, 0, length) != NULL;
    int repeats = 0;
    int result = cprotobufc_wire_walk(data, length, desc, 1, max_depth, check_nul, &repeats);
    if (result < 0) return result;
    return repeats ? CPROTOBUFC_WIRE_REPEATS_MESSAGE : CPROTOBUFC_WIRE_OK;
}

#endif
