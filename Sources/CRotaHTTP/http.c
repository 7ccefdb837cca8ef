#define _GNU_SOURCE
#include "CRotaHTTP.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* libcurl's stable ABI (curl/curl.h): these numbers have not changed since they were added and
   never will. Declared here so that building rota needs no libcurl headers: the library itself
   is already on every machine that runs Swift's Foundation on Linux. */
typedef void CURL;
struct curl_slist;
enum {
    OPT_URL = 10002, OPT_ERRORBUFFER = 10010, OPT_POSTFIELDS = 10015, OPT_USERAGENT = 10018, OPT_HTTPHEADER = 10023,
    OPT_POSTFIELDSIZE_LARGE = 30120, OPT_POST = 47, OPT_FOLLOWLOCATION = 52, OPT_NOSIGNAL = 99,
    OPT_WRITEFUNCTION = 20011, OPT_WRITEDATA = 10001, OPT_TIMEOUT_MS = 155, OPT_CONNECTTIMEOUT_MS = 156,
    OPT_PROTOCOLS = 181, OPT_HEADERFUNCTION = 20079, OPT_HEADERDATA = 10029, OPT_REDIR_PROTOCOLS = 182, OPT_NOPROGRESS = 43,
    INFO_RESPONSE_CODE = 0x200002, INFO_REDIRECT_URL = 0x10001F,
    PROTO_HTTP = 1, PROTO_HTTPS = 2, GLOBAL_ALL = 3,
    E_OK = 0, E_OPERATION_TIMEDOUT = 28, E_WRITE_ERROR = 23,
};

static struct {
    int (*global_init)(long);
    CURL *(*easy_init)(void);
    int (*easy_setopt)(CURL *, int, ...);
    int (*easy_perform)(CURL *);
    int (*easy_getinfo)(CURL *, int, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(int);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    int loaded;
    char why[200];
} curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(curl.why, sizeof curl.why, "libcurl.so.4 could not be loaded (%s)", dlerror());
        return;
    }
#define FIND(field, name) *(void **)(&curl.field) = dlsym(library, name); if (!curl.field) { snprintf(curl.why, sizeof curl.why, "libcurl.so.4 lacks %s", name); return; }
    FIND(global_init, "curl_global_init")
    FIND(easy_init, "curl_easy_init")
    FIND(easy_setopt, "curl_easy_setopt")
    FIND(easy_perform, "curl_easy_perform")
    FIND(easy_getinfo, "curl_easy_getinfo")
    FIND(easy_cleanup, "curl_easy_cleanup")
    FIND(easy_strerror, "curl_easy_strerror")
    FIND(slist_append, "curl_slist_append")
    FIND(slist_free_all, "curl_slist_free_all")
#undef FIND
    if (curl.global_init(GLOBAL_ALL) != E_OK) {
        snprintf(curl.why, sizeof curl.why, "libcurl could not be initialised");
        return;
    }
    curl.loaded = 1;
}

/* The answer's body: its first bytes kept (an API says what went wrong there), the rest
   counted, and a peer that sends without end stopped. */
struct answer_body {
    size_t seen;
    rota_http_result *result;
};

static size_t keep(char *data, size_t size, size_t count, void *context) {
    struct answer_body *body = context;
    size_t length = size * count;
    size_t room = sizeof body->result->answer - body->result->answer_length;
    size_t kept = length < room ? length : room;
    memcpy(body->result->answer + body->result->answer_length, data, kept);
    body->result->answer_length += kept;
    body->seen += length;
    return body->seen > 65536 ? 0 : length;
}

/* Whether the last header line seen was the blank one that ends an answer's headers: an answer
   cut off inside its headers ("HTTP/1.1 200 OK" and a closed connection) is not an answer. */
static size_t header_line(char *data, size_t size, size_t count, void *context) {
    int *ended = context;
    size_t length = size * count;
    *ended = (length == 2 && data[0] == '\r' && data[1] == '\n') || (length == 1 && data[0] == '\n');
    return length;
}

void rota_http_post(const char *url, const char *const *headers, size_t header_count, const char *body,
                    size_t body_length, long connect_timeout_ms, long total_timeout_ms, rota_http_result *result) {
    memset(result, 0, sizeof *result);
    pthread_once(&once, load);
    if (!curl.loaded) {
        result->failure = -1;
        snprintf(result->error, sizeof result->error, "%s", curl.why);
        return;
    }
    CURL *handle = curl.easy_init();
    if (!handle) {
        result->failure = -1;
        snprintf(result->error, sizeof result->error, "libcurl could not start a request");
        return;
    }
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < header_count; i++) list = curl.slist_append(list, headers[i]);
    /* No "Expect: 100-continue" wait on larger bodies. */
    list = curl.slist_append(list, "Expect:");
    char error[256] = "";
    struct answer_body answer = {0, result};
    int headers_ended = 0;
    curl.easy_setopt(handle, OPT_URL, url);
    curl.easy_setopt(handle, OPT_PROTOCOLS, (long)(PROTO_HTTP | PROTO_HTTPS));
    curl.easy_setopt(handle, OPT_REDIR_PROTOCOLS, (long)(PROTO_HTTP | PROTO_HTTPS));
    curl.easy_setopt(handle, OPT_FOLLOWLOCATION, 0L);
    curl.easy_setopt(handle, OPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, OPT_NOPROGRESS, 1L);
    curl.easy_setopt(handle, OPT_ERRORBUFFER, error);
    curl.easy_setopt(handle, OPT_POST, 1L);
    curl.easy_setopt(handle, OPT_POSTFIELDS, body ? body : "");
    curl.easy_setopt(handle, OPT_POSTFIELDSIZE_LARGE, (long long)body_length);
    curl.easy_setopt(handle, OPT_HTTPHEADER, list);
    curl.easy_setopt(handle, OPT_WRITEFUNCTION, keep);
    curl.easy_setopt(handle, OPT_WRITEDATA, &answer);
    curl.easy_setopt(handle, OPT_HEADERFUNCTION, header_line);
    curl.easy_setopt(handle, OPT_HEADERDATA, &headers_ended);
    curl.easy_setopt(handle, OPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
    curl.easy_setopt(handle, OPT_TIMEOUT_MS, total_timeout_ms);
    int code = curl.easy_perform(handle);
    long status = 0;
    curl.easy_getinfo(handle, INFO_RESPONSE_CODE, &status);
    if (code == E_WRITE_ERROR && status > 0 && answer.seen > 65536) code = E_OK; /* answered; only its body was cut */
    if (code == E_OK && !headers_ended) {
        result->failure = 8; /* CURLE_WEIRD_SERVER_REPLY */
        snprintf(result->error, sizeof result->error,
                 "the answer ended inside its headers (status %ld and no end of headers): taken as not delivered", status);
    } else if (code == E_OK) {
        result->status = status;
        char *location = NULL;
        if (curl.easy_getinfo(handle, INFO_REDIRECT_URL, &location) == E_OK && location)
            snprintf(result->location, sizeof result->location, "%s", location);
    } else {
        result->failure = code;
        result->timed_out = code == E_OPERATION_TIMEDOUT;
        snprintf(result->error, sizeof result->error, "%s", error[0] ? error : curl.easy_strerror(code));
    }
    curl.easy_cleanup(handle);
    curl.slist_free_all(list);
}
