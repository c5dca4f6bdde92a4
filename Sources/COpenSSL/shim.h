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

static inline void copenssl_bio_set_retry_read(BIO *bio) { BIO_set_retry_read(bio); }
static inline void copenssl_bio_clear_retry_flags(BIO *bio) { BIO_clear_retry_flags(bio); }

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

// --- TLS (ClinicTLS) ---------------------------------------------------------------------

static inline int copenssl_ctx_add1_chain_cert(SSL_CTX *ctx, X509 *x509) {
    return (int)SSL_CTX_add1_chain_cert(ctx, x509);
}

static inline long copenssl_ctx_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}

static inline int copenssl_set_app_data(SSL *ssl, void *data) { return SSL_set_app_data(ssl, data); }
static inline void *copenssl_get_app_data(const SSL *ssl) { return SSL_get_app_data(ssl); }

static inline uint64_t copenssl_op_no_ticket(void) { return SSL_OP_NO_TICKET; }
static inline long copenssl_mode_accept_moving_write_buffer(void) { return SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER; }
static inline int copenssl_ad_no_application_protocol(void) { return SSL_AD_NO_APPLICATION_PROTOCOL; }

// The ASN1 string behind a DNS, URI, e-mail or IP address GENERAL_NAME (NULL for other kinds);
// the union inside GENERAL_NAME is awkward to reach from Swift.
static inline const ASN1_STRING *copenssl_general_name_string(const GENERAL_NAME *name, int *type) {
    *type = name->type;
    switch (name->type) {
    case GEN_DNS:
    case GEN_URI:
    case GEN_EMAIL:
    case GEN_IPADD:
        return name->d.ia5;
    default:
        return NULL;
    }
}

#endif
