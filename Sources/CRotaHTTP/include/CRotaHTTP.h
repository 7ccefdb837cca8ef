#ifndef CROTAHTTP_H
#define CROTAHTTP_H

#include <stddef.h>

/// What one HTTP request came to.
typedef struct {
    /// 0 when an answer with a status line and complete headers arrived; otherwise why not (a
    /// libcurl error code, or -1 when libcurl could not be loaded), with `error` saying it in words.
    int failure;
    /// Non-zero when `failure` is the deadline running out.
    int timed_out;
    /// The answer's HTTP status (when `failure` is 0).
    long status;
    /// A redirect's target, when the answer names one (never followed).
    char location[512];
    char error[256];
    /// The answer body's first bytes (an API's {"ok":false,"error":…}), `answer_length` of them.
    char answer[4096];
    size_t answer_length;
} rota_http_result;

/// POSTs `body` to `url` (http or https only) with the given header lines, never following a
/// redirect, within `total_timeout_ms` from start to finish whatever the peer does (a peer that
/// trickles bytes included): libcurl's overall deadline, not an inactivity timer. The answer's
/// body is read, at most 64 KiB of it, and its first 4 KiB kept in `answer`. Blocks the calling thread; thread-safe.
/// libcurl (which Foundation's own networking uses on Linux) is loaded on first use.
void rota_http_post(const char *url, const char *const *headers, size_t header_count, const char *body,
                    size_t body_length, long connect_timeout_ms, long total_timeout_ms, rota_http_result *result);

#endif
