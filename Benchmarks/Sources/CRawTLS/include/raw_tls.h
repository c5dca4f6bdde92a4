// The floor of the RPC benchmark: a plain OpenSSL TLS 1.3 ping-pong over a loopback TCP
// connection, no framing library, no event loop. A server thread echoes each message; the
// client measures round trips. Both sides authenticate (mutual TLS) like the RPC stacks do.
#ifndef CLINIC_BENCH_RAW_TLS_H
#define CLINIC_BENCH_RAW_TLS_H

#include <stddef.h>
#include <stdint.h>

typedef struct rawtls_pair rawtls_pair;

/// Starts an echo server thread on 127.0.0.1 (a free port) and connects a client to it, both
/// TLS 1.3 only with certificates from PEM files. NULL on failure, with a reason in `error`.
rawtls_pair *rawtls_open(const char *server_cert, const char *server_key, const char *client_cert,
                         const char *client_key, const char *ca, char *error, size_t error_len);

/// `count` round trips of one `size`-byte message (size >= 4), one at a time; each round trip's
/// nanoseconds go to `samples_ns[i]`. 0 on success.
int rawtls_sequential(rawtls_pair *pair, size_t size, size_t count, uint64_t *samples_ns);

/// `count` round trips of `size`-byte messages with up to `depth` in flight (a non-blocking
/// client that writes while it reads); the elapsed nanoseconds go to `elapsed_ns`. 0 on success.
int rawtls_pipelined(rawtls_pair *pair, size_t size, size_t count, size_t depth, uint64_t *elapsed_ns);

/// The negotiated cipher suite, e.g. "TLS_AES_256_GCM_SHA384".
const char *rawtls_cipher(rawtls_pair *pair);

/// Closes the connection and joins the server thread.
void rawtls_close(rawtls_pair *pair);

#endif
