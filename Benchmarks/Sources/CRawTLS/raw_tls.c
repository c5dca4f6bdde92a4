// See include/raw_tls.h. Messages carry their own length in the first 4 bytes (big-endian), so
// the server needs no other framing; each message is written with one SSL_write.
#include "raw_tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct rawtls_pair {
    SSL_CTX *server_ctx;
    SSL_CTX *client_ctx;
    int listener;
    int server_fd;
    int client_fd;
    SSL *server;
    SSL *client;
    pthread_t thread;
    int thread_started;
    unsigned char *buffer;
    size_t buffer_size;
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void set_error(char *error, size_t len, const char *what) {
    unsigned long code = ERR_get_error();
    char detail[256] = "";
    if (code != 0) ERR_error_string_n(code, detail, sizeof detail);
    snprintf(error, len, "%s%s%s", what, code ? ": " : "", detail);
}

static SSL_CTX *make_context(int server, const char *cert, const char *key, const char *ca) {
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (!ctx) return NULL;
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | (server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), NULL);
    // No session tickets: nothing but the echo crosses the connection once it is set up.
    if (server) SSL_CTX_set_num_tickets(ctx, 0);
    return ctx;
}

static int read_exact(SSL *ssl, unsigned char *into, size_t count) {
    size_t done = 0;
    while (done < count) {
        size_t got = 0;
        if (SSL_read_ex(ssl, into + done, count - done, &got) != 1) return -1;
        done += got;
    }
    return 0;
}

static void *serve(void *argument) {
    rawtls_pair *pair = argument;
    if (SSL_accept(pair->server) != 1) return NULL;
    size_t capacity = 64 * 1024;
    unsigned char *message = malloc(capacity);
    while (message) {
        if (read_exact(pair->server, message, 4) != 0) break;
        size_t size = ((size_t)message[0] << 24) | ((size_t)message[1] << 16) | ((size_t)message[2] << 8) | message[3];
        if (size < 4) break;
        if (size > capacity) {
            unsigned char *bigger = realloc(message, size);
            if (!bigger) break;
            message = bigger;
            capacity = size;
        }
        if (read_exact(pair->server, message + 4, size - 4) != 0) break;
        size_t written = 0;
        if (SSL_write_ex(pair->server, message, size, &written) != 1) break;
    }
    free(message);
    SSL_shutdown(pair->server);
    return NULL;
}

rawtls_pair *rawtls_open(const char *server_cert, const char *server_key, const char *client_cert,
                         const char *client_key, const char *ca, char *error, size_t error_len) {
    rawtls_pair *pair = calloc(1, sizeof *pair);
    if (!pair) return NULL;
    pair->listener = pair->server_fd = pair->client_fd = -1;
    pair->server_ctx = make_context(1, server_cert, server_key, ca);
    pair->client_ctx = make_context(0, client_cert, client_key, ca);
    if (!pair->server_ctx || !pair->client_ctx) {
        set_error(error, error_len, "cannot load the certificates");
        rawtls_close(pair);
        return NULL;
    }
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int one = 1;
    pair->listener = socket(AF_INET, SOCK_STREAM, 0);
    if (pair->listener < 0 || bind(pair->listener, (struct sockaddr *)&address, sizeof address) != 0 ||
        listen(pair->listener, 1) != 0 || getsockname(pair->listener, (struct sockaddr *)&address, &length) != 0) {
        snprintf(error, error_len, "cannot listen: %s", strerror(errno));
        rawtls_close(pair);
        return NULL;
    }
    pair->client_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (pair->client_fd < 0 || connect(pair->client_fd, (struct sockaddr *)&address, sizeof address) != 0 ||
        (pair->server_fd = accept(pair->listener, NULL, NULL)) < 0) {
        snprintf(error, error_len, "cannot connect: %s", strerror(errno));
        rawtls_close(pair);
        return NULL;
    }
    setsockopt(pair->client_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(pair->server_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pair->server = SSL_new(pair->server_ctx);
    pair->client = SSL_new(pair->client_ctx);
    if (!pair->server || !pair->client) {
        set_error(error, error_len, "cannot create the connections");
        rawtls_close(pair);
        return NULL;
    }
    SSL_set_fd(pair->server, pair->server_fd);
    SSL_set_fd(pair->client, pair->client_fd);
    if (pthread_create(&pair->thread, NULL, serve, pair) != 0) {
        snprintf(error, error_len, "cannot start the server thread");
        rawtls_close(pair);
        return NULL;
    }
    pair->thread_started = 1;
    if (SSL_connect(pair->client) != 1) {
        set_error(error, error_len, "the TLS handshake failed");
        rawtls_close(pair);
        return NULL;
    }
    return pair;
}

static unsigned char *message_of(rawtls_pair *pair, size_t size) {
    if (pair->buffer_size < 2 * size) {
        free(pair->buffer);
        pair->buffer = malloc(2 * size);
        pair->buffer_size = pair->buffer ? 2 * size : 0;
        if (!pair->buffer) return NULL;
    }
    unsigned char *message = pair->buffer;
    memset(message, 'x', size);
    message[0] = (unsigned char)(size >> 24);
    message[1] = (unsigned char)(size >> 16);
    message[2] = (unsigned char)(size >> 8);
    message[3] = (unsigned char)size;
    return message;
}

static int set_blocking(int fd, int blocking) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, blocking ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK));
}

int rawtls_sequential(rawtls_pair *pair, size_t size, size_t count, uint64_t *samples_ns) {
    unsigned char *message = size >= 4 ? message_of(pair, size) : NULL;
    if (!message || set_blocking(pair->client_fd, 1) != 0) return -1;
    unsigned char *echo = message + size;
    for (size_t i = 0; i < count; i++) {
        uint64_t start = now_ns();
        size_t written = 0;
        if (SSL_write_ex(pair->client, message, size, &written) != 1) return -1;
        if (read_exact(pair->client, echo, size) != 0) return -1;
        samples_ns[i] = now_ns() - start;
    }
    return 0;
}

int rawtls_pipelined(rawtls_pair *pair, size_t size, size_t count, size_t depth, uint64_t *elapsed_ns) {
    unsigned char *message = size >= 4 ? message_of(pair, size) : NULL;
    if (!message || depth == 0 || set_blocking(pair->client_fd, 0) != 0) return -1;
    unsigned char *echo = message + size;
    size_t sent = 0, received = 0, partial = 0;
    uint64_t start = now_ns();
    while (received < count) {
        int want_write = 0, want_read = 0, progress = 0;
        // Write while the window allows (a retried SSL_write repeats the same arguments).
        while (sent < count && sent - received < depth) {
            size_t written = 0;
            if (SSL_write_ex(pair->client, message, size, &written) == 1) {
                sent++;
                progress = 1;
                continue;
            }
            int reason = SSL_get_error(pair->client, 0);
            if (reason == SSL_ERROR_WANT_WRITE) want_write = 1;
            else if (reason == SSL_ERROR_WANT_READ) want_read = 1;
            else return -1;
            break;
        }
        // Read everything that arrived.
        while (received < count) {
            size_t got = 0;
            if (SSL_read_ex(pair->client, echo + partial, size - partial, &got) == 1) {
                partial += got;
                if (partial == size) {
                    partial = 0;
                    received++;
                }
                progress = 1;
                continue;
            }
            int reason = SSL_get_error(pair->client, 0);
            if (reason == SSL_ERROR_WANT_READ) want_read = 1;
            else if (reason == SSL_ERROR_WANT_WRITE) want_write = 1;
            else return -1;
            break;
        }
        if (!progress && received < count) {
            struct pollfd fd = {.fd = pair->client_fd, .events = (short)((want_read ? POLLIN : 0) | (want_write ? POLLOUT : 0))};
            if (fd.events == 0) fd.events = POLLIN;
            if (poll(&fd, 1, 5000) <= 0) return -1;
        }
    }
    *elapsed_ns = now_ns() - start;
    return set_blocking(pair->client_fd, 1);
}

const char *rawtls_cipher(rawtls_pair *pair) {
    return pair->client ? SSL_get_cipher_name(pair->client) : "";
}

void rawtls_close(rawtls_pair *pair) {
    if (!pair) return;
    if (pair->client) {
        set_blocking(pair->client_fd, 1);
        SSL_shutdown(pair->client);
    }
    if (pair->client_fd >= 0) shutdown(pair->client_fd, SHUT_RDWR);
    if (pair->thread_started) pthread_join(pair->thread, NULL);
    if (pair->client) SSL_free(pair->client);
    if (pair->server) SSL_free(pair->server);
    if (pair->client_fd >= 0) close(pair->client_fd);
    if (pair->server_fd >= 0) close(pair->server_fd);
    if (pair->listener >= 0) close(pair->listener);
    if (pair->client_ctx) SSL_CTX_free(pair->client_ctx);
    if (pair->server_ctx) SSL_CTX_free(pair->server_ctx);
    free(pair->buffer);
    free(pair);
}
