#include "raw_codec.h"

#include <protobuf-c/protobuf-c.h>

void *rawbench_unpack(const void *descriptor, const uint8_t *data, size_t length) {
    return protobuf_c_message_unpack(descriptor, NULL, length, data);
}

void rawbench_free(void *message) {
    protobuf_c_message_free_unpacked(message, NULL);
}

size_t rawbench_pack_loop(const void *message, uint8_t *buffer, size_t iterations) {
    size_t total = 0;
    for (size_t i = 0; i < iterations; i++) {
        // What any caller does: size the message, then pack it into a buffer that big.
        size_t size = protobuf_c_message_get_packed_size(message);
        size_t written = protobuf_c_message_pack(message, buffer);
        total += written == size ? written : 0;
    }
    return total;
}

size_t rawbench_unpack_loop(const void *descriptor, const uint8_t *data, size_t length, size_t iterations) {
    size_t failures = 0;
    for (size_t i = 0; i < iterations; i++) {
        ProtobufCMessage *message = protobuf_c_message_unpack(descriptor, NULL, length, data);
        if (message == NULL) {
            failures++;
        } else {
            protobuf_c_message_free_unpacked(message, NULL);
        }
    }
    return failures;
}
