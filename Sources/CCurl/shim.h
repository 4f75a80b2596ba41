#ifndef DOORSTEP_CCURL_SHIM_H
#define DOORSTEP_CCURL_SHIM_H

#include <curl/curl.h>

/*
 * Typed wrappers around libcurl's variadic calls, which Swift cannot call directly.
 * Each one passes exactly the argument type the option documents
 * (https://curl.se/libcurl/c/curl_easy_setopt.html, https://curl.se/libcurl/c/curl_easy_getinfo.html).
 */

/** `curl_global_init(CURL_GLOBAL_ALL)`; call once per process. */
static inline CURLcode ds_curl_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

/** An option taking a `long` (flags, timeouts, sizes up to 2 GiB). */
static inline CURLcode ds_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/** An option taking a `curl_off_t` (the `_LARGE` sizes). */
static inline CURLcode ds_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/** An option taking a C string; libcurl copies it (except `CURLOPT_POSTFIELDS`). */
static inline CURLcode ds_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/** An option taking an untyped pointer: callback userdata, or `CURLOPT_POSTFIELDS` (not copied). */
static inline CURLcode ds_curl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

/** An option taking a header list (`CURLOPT_HTTPHEADER`); the list must outlive the transfer. */
static inline CURLcode ds_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/** `CURLOPT_WRITEFUNCTION` or `CURLOPT_HEADERFUNCTION`, which share one signature. */
static inline CURLcode ds_curl_easy_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}

/** `CURLOPT_XFERINFOFUNCTION`. */
static inline CURLcode ds_curl_easy_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}

/** An info item answered as a `long` (`CURLINFO_RESPONSE_CODE`, ...). */
static inline CURLcode ds_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/** An info item answered as a `curl_off_t` (`CURLINFO_CONTENT_LENGTH_DOWNLOAD_T`, ...). */
static inline CURLcode ds_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/** An info item answered as a string owned by the handle (`CURLINFO_EFFECTIVE_URL`, ...). */
static inline CURLcode ds_curl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
