#ifndef CLINIC_COPENSSL_SHIM_H
#define CLINIC_COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/bio.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>

// Function-like macros Swift cannot import are wrapped here as static inline functions.

static inline int copenssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline int copenssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

static inline long copenssl_ctx_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

static inline int copenssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

static inline long copenssl_bio_set_mem_eof_return(BIO *bio, int value) {
    return BIO_set_mem_eof_return(bio, value);
}

static inline void copenssl_free(void *ptr) {
    OPENSSL_free(ptr);
}

static inline uint64_t copenssl_op_no_renegotiation(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline uint64_t copenssl_op_no_compression(void) { return SSL_OP_NO_COMPRESSION; }
static inline uint64_t copenssl_op_cipher_server_preference(void) { return SSL_OP_CIPHER_SERVER_PREFERENCE; }

static inline int copenssl_sk_x509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
static inline X509 *copenssl_sk_x509_value(const STACK_OF(X509) *stack, int i) { return sk_X509_value(stack, i); }

static inline int copenssl_sk_general_name_num(const STACK_OF(GENERAL_NAME) *stack) {
    return sk_GENERAL_NAME_num(stack);
}
static inline GENERAL_NAME *copenssl_sk_general_name_value(const STACK_OF(GENERAL_NAME) *stack, int i) {
    return sk_GENERAL_NAME_value(stack, i);
}
static inline void copenssl_general_names_free(STACK_OF(GENERAL_NAME) *stack) {
    GENERAL_NAMES_free(stack);
}

#endif
