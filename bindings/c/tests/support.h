/* Test support: synchronous calls over the asynchronous ABI, an event inbox, checks. */
#ifndef PLUGWIRE_TEST_SUPPORT_H
#define PLUGWIRE_TEST_SUPPORT_H

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plugwire.h"
#include "plugwire.pb-c.h"

static int checks_passed = 0;
static int checks_failed = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            __atomic_add_fetch(&checks_passed, 1, __ATOMIC_RELAXED);                 \
        } else {                                                                     \
            __atomic_add_fetch(&checks_failed, 1, __ATOMIC_RELAXED);                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

static void deadline_in(struct timespec *ts, int ms) {
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec += 1;
        ts->tv_nsec -= 1000000000L;
    }
}

/* A queue of buffers filled by callbacks (replies or events). */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    uint8_t *items[4096];
    size_t lens[4096];
    size_t head, count;
} inbox;

static void inbox_init(inbox *q) {
    memset(q, 0, sizeof *q);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->ready, NULL);
}

static void inbox_push(void *user_data, const uint8_t *data, size_t len) {
    inbox *q = user_data;
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, data, len);
    pthread_mutex_lock(&q->lock);
    if (q->count < 4096) {
        size_t slot = (q->head + q->count) % 4096;
        q->items[slot] = copy;
        q->lens[slot] = len;
        q->count++;
        copy = NULL;
    }
    pthread_cond_broadcast(&q->ready);
    pthread_mutex_unlock(&q->lock);
    free(copy);
}

/* Takes the next buffer (caller frees), or NULL after `ms` milliseconds. */
static uint8_t *inbox_pop(inbox *q, int ms, size_t *len) {
    struct timespec until;
    deadline_in(&until, ms);
    pthread_mutex_lock(&q->lock);
    while (q->count == 0) {
        if (pthread_cond_timedwait(&q->ready, &q->lock, &until) == ETIMEDOUT) {
            pthread_mutex_unlock(&q->lock);
            return NULL;
        }
    }
    uint8_t *item = q->items[q->head];
    *len = q->lens[q->head];
    q->head = (q->head + 1) % 4096;
    q->count--;
    pthread_mutex_unlock(&q->lock);
    return item;
}

static void inbox_drain(inbox *q) {
    size_t len;
    uint8_t *item;
    while ((item = inbox_pop(q, 0, &len)) != NULL) free(item);
}

static void inbox_destroy(inbox *q) {
    inbox_drain(q);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->ready);
}

/* Packs and sends a request; returns the status. */
static PlugwireStatus send_request(const PlugwireClient *client, const Plugwire__V1__Request *req,
                                   PlugwireCallback cb, void *user_data) {
    size_t len = plugwire__v1__request__get_packed_size(req);
    uint8_t *buf = malloc(len ? len : 1);
    plugwire__v1__request__pack(req, buf);
    PlugwireStatus status = plugwire_client_request(client, buf, len, cb, user_data);
    free(buf);
    return status;
}

/* Sends a request and waits for its reply (free with plugwire__v1__reply__free_unpacked). */
static Plugwire__V1__Reply *call(const PlugwireClient *client, const Plugwire__V1__Request *req) {
    inbox replies;
    inbox_init(&replies);
    Plugwire__V1__Reply *reply = NULL;
    if (send_request(client, req, inbox_push, &replies) == PLUGWIRE_STATUS_OK) {
        size_t len;
        /* 30 s: valgrind on a loaded 2-core machine made an embedded connect take over 10. */
        uint8_t *data = inbox_pop(&replies, 30000, &len);
        if (!data) {
            /* The reply callback still holds &replies, which lives on this stack frame:
               going on would let a late reply write into a dead frame. Fail loudly. */
            fprintf(stderr, "call: no reply within 30 s (request kind %d); aborting the test\n",
                    (int)req->kind_case);
            abort();
        }
        reply = plugwire__v1__reply__unpack(NULL, len, data);
        free(data);
    }
    inbox_destroy(&replies);
    return reply;
}

/* Sends a request and checks that the reply is Ok. */
static int call_ok(const PlugwireClient *client, const Plugwire__V1__Request *req) {
    Plugwire__V1__Reply *reply = call(client, req);
    int ok = reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_OK;
    if (reply && !ok && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_ERROR) {
        fprintf(stderr, "error reply: %s\n", reply->error->message);
    }
    if (reply) plugwire__v1__reply__free_unpacked(reply, NULL);
    return ok;
}

/* Fills `req` with a DeviceOutput of `fraction` for one output of one feature. */
static void output_request(Plugwire__V1__Request *req, Plugwire__V1__DeviceOutput *out, uint32_t device,
                           uint32_t feature, Plugwire__V1__OutputType type, double fraction) {
    plugwire__v1__device_output__init(out);
    out->device_index = device;
    out->feature_index = feature;
    out->output = type;
    out->value_case = PLUGWIRE__V1__DEVICE_OUTPUT__VALUE_FRACTION;
    out->fraction = fraction;
    plugwire__v1__request__init(req);
    req->kind_case = PLUGWIRE__V1__REQUEST__KIND_DEVICE_OUTPUT;
    req->device_output = out;
}

/* Starts scanning; 1 when the server said OK. */
static int start_scanning(PlugwireClient *client) {
    Plugwire__V1__StartScanning scan = PLUGWIRE__V1__START_SCANNING__INIT;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_START_SCANNING;
    req.start_scanning = &scan;
    return call_ok(client, &req);
}

#endif
