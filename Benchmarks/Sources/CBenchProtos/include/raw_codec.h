// The floor of the codec benchmark: protobuf-c's own pack and unpack, looped in C.
#ifndef CLINIC_BENCH_RAW_CODEC_H
#define CLINIC_BENCH_RAW_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "descriptors/appointment.h"

/// Unpacks `length` bytes at `data` as a message of `descriptor` (free with rawbench_free), or NULL.
void *rawbench_unpack(const void *descriptor, const uint8_t *data, size_t length);

/// Frees a message from rawbench_unpack.
void rawbench_free(void *message);

/// Sizes and packs `message` into `buffer` `iterations` times; returns the bytes written in total.
size_t rawbench_pack_loop(const void *message, uint8_t *buffer, size_t iterations);

/// Unpacks and frees `length` bytes at `data` `iterations` times; returns how many unpacks failed.
size_t rawbench_unpack_loop(const void *descriptor, const uint8_t *data, size_t length, size_t iterations);

#endif
