/* Lifetimes a host can trust (issue 12): logging quiescence and levels, freeing and shutting
 * down from any thread (including from callbacks), pull mode around free and shutdown, a
 * device whose writes hang, and one error vocabulary.
 *
 * Each test names the defect it covers. Run plainly, under ASan + UBSan and under valgrind
 * by run-tests.sh. A watchdog fails the run if anything deadlocks.
 * Prints "N passed, N failed" and exits non-zero on any failure. */
#include "support.h"

#include <limits.h>
#include <unistd.h>
#ifndef _WIN32
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#endif

static const char *LUSH = "C0:00:00:00:00:01";

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Under valgrind everything is much slower: bounds on durations are scaled. */
static double slow(void) {
    const char *s = getenv("PLUGWIRE_SLOW");
    double v = s ? atof(s) : 1.0;
    return v >= 1.0 ? v : 1.0;
}

static PlugwireClient *new_client(PlugwireCallback cb, void *user_data) {
    PlugwireClient *client = NULL;
    CHECK(plugwire_client_new(cb, user_data, &client) == PLUGWIRE_STATUS_OK);
    return client;
}

/* Connects to an embedded server with one simulated Lush (no message gap);
 * `hardware_timeout_ms` 0 keeps the default. With `no_wait`, only sends the request (its
 * reply, if any, goes to that inbox, which must outlive the client) and returns whether it
 * was sent: for a connect a shutdown may overtake, whose reply is then never sent. */
static int connect_lush_to(PlugwireClient *client, uint32_t hardware_timeout_ms, inbox *no_wait) {
    Plugwire__V1__SimulatedDevice lush = PLUGWIRE__V1__SIMULATED_DEVICE__INIT;
    lush.name = "LVS-Lush";
    lush.address = (char *)LUSH;
    lush.battery_case = PLUGWIRE__V1__SIMULATED_DEVICE__BATTERY_BATTERY_LEVEL;
    lush.battery_level = 55;
    Plugwire__V1__SimulatedDevice *devices[] = {&lush};
    Plugwire__V1__ConnectEmbedded connect = PLUGWIRE__V1__CONNECT_EMBEDDED__INIT;
    connect.client_name = "C lifetimes";
    connect.n_simulated_devices = 1;
    connect.simulated_devices = devices;
    connect.default_gap_case = PLUGWIRE__V1__CONNECT_EMBEDDED__DEFAULT_GAP_DEFAULT_MESSAGE_GAP_MS;
    connect.default_message_gap_ms = 0;
    if (hardware_timeout_ms) {
        connect.hardware_timeout_case = PLUGWIRE__V1__CONNECT_EMBEDDED__HARDWARE_TIMEOUT_HARDWARE_TIMEOUT_MS;
        connect.hardware_timeout_ms = hardware_timeout_ms;
    }
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_CONNECT_EMBEDDED;
    req.connect_embedded = &connect;
    if (no_wait) return send_request(client, &req, inbox_push, no_wait) == PLUGWIRE_STATUS_OK;
    return call_ok(client, &req);
}

static int connect_lush(PlugwireClient *client, uint32_t hardware_timeout_ms) {
    return connect_lush_to(client, hardware_timeout_ms, NULL);
}

/* Waits (pull mode) until a device was added. */
static int pull_device_added(PlugwireClient *client) {
    for (;;) {
        uint8_t *data = NULL;
        size_t len = 0;
        if (plugwire_client_next_event(client, 10000, &data, &len) != PLUGWIRE_STATUS_OK) return 0;
        Plugwire__V1__Event *event = plugwire__v1__event__unpack(NULL, len, data);
        plugwire_buffer_free(data, len);
        if (!event) return 0;
        int added = event->kind_case == PLUGWIRE__V1__EVENT__KIND_DEVICE_ADDED;
        plugwire__v1__event__free_unpacked(event, NULL);
        if (added) return 1;
    }
}

static void vibrate_request(Plugwire__V1__Request *req, Plugwire__V1__DeviceOutput *out, uint32_t device,
                            uint32_t feature, double fraction) {
    output_request(req, out, device, feature, PLUGWIRE__V1__OUTPUT_TYPE__OUTPUT_TYPE_VIBRATE, fraction);
}

/* The error code of the reply to `req` (-1 when the reply is not an error). */
static int error_code(PlugwireClient *client, Plugwire__V1__Request *req) {
    Plugwire__V1__Reply *reply = call(client, req);
    int code = -1;
    if (reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_ERROR) code = reply->error->code;
    if (reply) plugwire__v1__reply__free_unpacked(reply, NULL);
    return code;
}

/* ---- logging ---- */

typedef struct {
    int magic;
    int records;
    int verbose; /* DEBUG or TRACE records seen */
    int dropped_notice;
} log_ctx;

#define LOG_MAGIC 0x10c10c

static int log_inside = 0;

static void counting_log(void *user_data, PlugwireLogLevel level, const char *message) {
    log_ctx *ctx = user_data;
    __atomic_store_n(&log_inside, 1, __ATOMIC_SEQ_CST);
    CHECK(ctx->magic == LOG_MAGIC);
    usleep(1000);
    CHECK(ctx->magic == LOG_MAGIC);
    __atomic_add_fetch(&ctx->records, 1, __ATOMIC_SEQ_CST);
    if ((int)level >= 4) __atomic_add_fetch(&ctx->verbose, 1, __ATOMIC_SEQ_CST);
    if (strstr(message, "dropped")) __atomic_add_fetch(&ctx->dropped_notice, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&log_inside, 0, __ATOMIC_SEQ_CST);
}

static int churn_stop = 0;

/* Makes the library log (a client connecting logs at INFO) until told to stop. */
static void *log_churn(void *arg) {
    (void)arg;
    while (!__atomic_load_n(&churn_stop, __ATOMIC_SEQ_CST)) {
        PlugwireClient *client = new_client(NULL, NULL);
        CHECK(connect_lush(client, 0));
        CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
    }
    return NULL;
}

/* Defect 1: replacing or removing the log callback returns only once the old callback is
 * no longer running, so the host may free its user_data right away. */
static void test_log_callback_quiescence(void) {
    churn_stop = 0;
    pthread_t churn;
    pthread_create(&churn, NULL, log_churn, NULL);
    int total = 0, rounds = 40;
    for (int i = 0; i < rounds; i++) {
        log_ctx *ctx = calloc(1, sizeof *ctx);
        ctx->magic = LOG_MAGIC;
        CHECK(plugwire_set_log_callback(counting_log, ctx, 5) == PLUGWIRE_STATUS_OK);
        usleep(20000);
        CHECK(plugwire_set_log_callback(NULL, NULL, 0) == PLUGWIRE_STATUS_OK);
        CHECK(__atomic_load_n(&log_inside, __ATOMIC_SEQ_CST) == 0);
        total += __atomic_load_n(&ctx->records, __ATOMIC_SEQ_CST);
        ctx->magic = 0;
        free(ctx);
    }
    __atomic_store_n(&churn_stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(churn, NULL);
    CHECK(total > 0);
    printf("log quiescence: %d rounds, %d records\n", rounds, total);
}

/* Defect 8: levels are integers validated by the library, never an out-of-range enum. */
static void test_log_level_validated(void) {
    CHECK(plugwire_set_log_level(42) == PLUGWIRE_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(plugwire_last_error_message(), "42") != NULL);
    CHECK(plugwire_set_log_level(99) == PLUGWIRE_STATUS_INVALID_ARGUMENT);
    CHECK(plugwire_set_log_level(6) == PLUGWIRE_STATUS_INVALID_ARGUMENT);
    CHECK(plugwire_set_log_level(0xffffffffu) == PLUGWIRE_STATUS_INVALID_ARGUMENT);
    log_ctx ctx = {LOG_MAGIC, 0, 0, 0};
    CHECK(plugwire_set_log_callback(counting_log, &ctx, 42) == PLUGWIRE_STATUS_INVALID_ARGUMENT);
    for (uint32_t level = 0; level <= 5; level++) CHECK(plugwire_set_log_level(level) == PLUGWIRE_STATUS_OK);
    CHECK(plugwire_set_log_callback(NULL, NULL, 0) == PLUGWIRE_STATUS_OK);
    CHECK(ctx.records == 0);
}

/* Defect 11: at TRACE the callback gets DEBUG/TRACE records too. */
static void test_log_verbose_levels(void) {
    log_ctx ctx = {LOG_MAGIC, 0, 0, 0};
    CHECK(plugwire_set_log_callback(counting_log, &ctx, 5) == PLUGWIRE_STATUS_OK);
    PlugwireClient *client = new_client(NULL, NULL);
    CHECK(connect_lush(client, 0));
    CHECK(start_scanning(client));
    CHECK(pull_device_added(client));
    Plugwire__V1__Request req;
    Plugwire__V1__DeviceOutput out;
    vibrate_request(&req, &out, 0, 0, 0.5);
    CHECK(call_ok(client, &req));
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
    for (int i = 0; i < 200 && __atomic_load_n(&ctx.verbose, __ATOMIC_SEQ_CST) == 0; i++) usleep(10000);
    CHECK(plugwire_set_log_callback(NULL, NULL, 0) == PLUGWIRE_STATUS_OK);
    CHECK(ctx.verbose > 0);
    printf("log levels: %d records, %d of them DEBUG/TRACE\n", ctx.records, ctx.verbose);
}

/* Pulled logging (issue 24): records wait in the queue until taken, each with its level,
 * nothing calls the host, and the queue says clearly when it is off. */
static void test_log_queue_pulled(void) {
    uint32_t level = 0;
    uint8_t *message = NULL;
    size_t len = 0;
    CHECK(plugwire_log_next(0, &level, &message, &len) == PLUGWIRE_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(plugwire_last_error_message(), "plugwire_set_log_queue") != NULL);
    CHECK(plugwire_set_log_queue(6) == PLUGWIRE_STATUS_INVALID_ARGUMENT);
    CHECK(plugwire_log_next(0, NULL, &message, &len) == PLUGWIRE_STATUS_NULL_ARGUMENT);
    CHECK(plugwire_set_log_queue(PLUGWIRE_LOG_LEVEL_INFO) == PLUGWIRE_STATUS_OK);
    /* A client connecting logs at INFO. */
    PlugwireClient *client = new_client(NULL, NULL);
    CHECK(connect_lush(client, 0));
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
    int records = 0, above_info = 0;
    while (plugwire_log_next(records == 0 ? 5000 : 0, &level, &message, &len) == PLUGWIRE_STATUS_OK) {
        CHECK(message != NULL && len > 0);
        CHECK(memchr(message, 0, len) == NULL);
        if (level < PLUGWIRE_LOG_LEVEL_ERROR || level > PLUGWIRE_LOG_LEVEL_INFO) above_info++;
        CHECK(plugwire_buffer_free(message, len) == PLUGWIRE_STATUS_OK);
        records++;
    }
    CHECK(records > 0);
    CHECK(above_info == 0);
    CHECK(plugwire_set_log_queue(PLUGWIRE_LOG_LEVEL_OFF) == PLUGWIRE_STATUS_OK);
    CHECK(plugwire_log_next(0, &level, &message, &len) == PLUGWIRE_STATUS_INVALID_ARGUMENT);
    CHECK(plugwire_set_log_level(PLUGWIRE_LOG_LEVEL_OFF) == PLUGWIRE_STATUS_OK);
    printf("pulled log: %d records\n", records);
}

/* A log sink that blocks until the test opens its gate. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open = 0;

static void gated_log(void *user_data, PlugwireLogLevel level, const char *message) {
    struct timespec until;
    deadline_in(&until, 20000);
    pthread_mutex_lock(&gate_lock);
    while (!gate_open) {
        if (pthread_cond_timedwait(&gate_cond, &gate_lock, &until) == ETIMEDOUT) break;
    }
    pthread_mutex_unlock(&gate_lock);
    counting_log(user_data, level, message);
}

/* Sends `req` and waits at most `ms` for its reply; returns 1 for an Ok reply. */
static int ok_within(PlugwireClient *client, Plugwire__V1__Request *req, int ms) {
    inbox replies;
    inbox_init(&replies);
    int ok = 0;
    if (send_request(client, req, inbox_push, &replies) == PLUGWIRE_STATUS_OK) {
        size_t len;
        uint8_t *data = inbox_pop(&replies, ms, &len);
        if (data) {
            Plugwire__V1__Reply *reply = plugwire__v1__reply__unpack(NULL, len, data);
            ok = reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_OK;
            if (reply) plugwire__v1__reply__free_unpacked(reply, NULL);
            free(data);
        }
    }
    /* A late reply would land in a destroyed inbox: wait it out. */
    if (!ok) {
        size_t len;
        free(inbox_pop(&replies, 30000, &len));
    }
    inbox_destroy(&replies);
    return ok;
}

/* Defect 11: a log callback that blocks does not stall device I/O; records that do not fit
 * the bounded queue are dropped and counted. */
static void test_slow_log_sink_does_not_stall(void) {
    log_ctx ctx = {LOG_MAGIC, 0, 0, 0};
    gate_open = 0;
    CHECK(plugwire_set_log_callback(gated_log, &ctx, 5) == PLUGWIRE_STATUS_OK);
    PlugwireClient *client = new_client(NULL, NULL);
    Plugwire__V1__SimulatedDevice lush = PLUGWIRE__V1__SIMULATED_DEVICE__INIT;
    lush.name = "LVS-Lush";
    lush.address = (char *)LUSH;
    Plugwire__V1__SimulatedDevice *devices[] = {&lush};
    Plugwire__V1__ConnectEmbedded connect = PLUGWIRE__V1__CONNECT_EMBEDDED__INIT;
    connect.n_simulated_devices = 1;
    connect.simulated_devices = devices;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_CONNECT_EMBEDDED;
    req.connect_embedded = &connect;
    int limit = (int)(3000 * slow());
    CHECK(ok_within(client, &req, limit));
    Plugwire__V1__StartScanning s = PLUGWIRE__V1__START_SCANNING__INIT;
    plugwire__v1__request__init(&req);
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_START_SCANNING;
    req.start_scanning = &s;
    CHECK(ok_within(client, &req, limit));
    /* Enough traffic to overflow the log queue while the sink is blocked. */
    Plugwire__V1__DeviceOutput out;
    int n = 3000; /* well over the log queue bound (1024) */
    double start = now_ms();
    for (int i = 0; i < n; i++) {
        vibrate_request(&req, &out, 0, 0, (i % 20) / 20.0);
        send_request(client, &req, NULL, NULL);
    }
    vibrate_request(&req, &out, 0, 0, 0.5);
    CHECK(ok_within(client, &req, limit));
    printf("slow log sink: %d commands in %.0f ms while the sink was blocked\n", n + 1, now_ms() - start);
    pthread_mutex_lock(&gate_lock);
    gate_open = 1;
    pthread_cond_broadcast(&gate_cond);
    pthread_mutex_unlock(&gate_lock);
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
    for (int i = 0; i < 500 && __atomic_load_n(&ctx.dropped_notice, __ATOMIC_SEQ_CST) == 0; i++) usleep(10000);
    CHECK(plugwire_set_log_callback(NULL, NULL, 0) == PLUGWIRE_STATUS_OK);
    CHECK(ctx.dropped_notice > 0);
}

/* Defect 5: freeing a client or shutting down from inside the log callback works. */
static PlugwireClient *log_victim = NULL;
static int log_free_status = -1;
static int log_shutdown_status = -1;
static int log_do_shutdown = 0;

static void freeing_log(void *user_data, PlugwireLogLevel level, const char *message) {
    (void)user_data;
    (void)level;
    (void)message;
    PlugwireClient *victim = __atomic_exchange_n(&log_victim, NULL, __ATOMIC_SEQ_CST);
    if (victim) __atomic_store_n(&log_free_status, plugwire_client_free(victim), __ATOMIC_SEQ_CST);
    if (__atomic_exchange_n(&log_do_shutdown, 0, __ATOMIC_SEQ_CST))
        __atomic_store_n(&log_shutdown_status, plugwire_shutdown(2000), __ATOMIC_SEQ_CST);
}

static void test_free_and_shutdown_from_log_callback(void) {
    PlugwireClient *victim = new_client(NULL, NULL);
    CHECK(connect_lush(victim, 0));
    log_free_status = -1;
    __atomic_store_n(&log_victim, victim, __ATOMIC_SEQ_CST);
    CHECK(plugwire_set_log_callback(freeing_log, NULL, 3) == PLUGWIRE_STATUS_OK);
    PlugwireClient *other = new_client(NULL, NULL);
    CHECK(connect_lush(other, 0)); /* logs "client connected" */
    for (int i = 0; i < 500 && __atomic_load_n(&log_free_status, __ATOMIC_SEQ_CST) == -1; i++) usleep(10000);
    CHECK(log_free_status == PLUGWIRE_STATUS_OK);

    log_shutdown_status = -1;
    __atomic_store_n(&log_do_shutdown, 1, __ATOMIC_SEQ_CST);
    PlugwireClient *third = new_client(NULL, NULL);
    /* Not waited for: the shutdown it triggers closes `third`, and a request in flight at
     * a close is dropped without a reply (README), so waiting could hang. */
    static inbox third_replies;
    inbox_init(&third_replies);
    CHECK(connect_lush_to(third, 0, &third_replies));
    for (int i = 0; i < 500 && __atomic_load_n(&log_shutdown_status, __ATOMIC_SEQ_CST) == -1; i++) usleep(10000);
    CHECK(log_shutdown_status == PLUGWIRE_STATUS_OK);
    CHECK(plugwire_set_log_callback(NULL, NULL, 0) == PLUGWIRE_STATUS_OK);
    CHECK(plugwire_client_free(other) == PLUGWIRE_STATUS_OK);
    CHECK(plugwire_client_free(third) == PLUGWIRE_STATUS_OK);
    inbox_destroy(&third_replies);
    /* The library starts afresh. */
    PlugwireClient *fresh = new_client(NULL, NULL);
    CHECK(connect_lush(fresh, 0));
    CHECK(plugwire_client_free(fresh) == PLUGWIRE_STATUS_OK);
}

/* ---- free, shutdown and pull mode ---- */

typedef struct {
    PlugwireClient *client;
    int status;
    double waited_ms;
} waiter;

static void *wait_next_event(void *arg) {
    waiter *w = arg;
    uint8_t *data = NULL;
    size_t len = 0;
    double start = now_ms();
    w->status = plugwire_client_next_event(w->client, 10000, &data, &len);
    w->waited_ms = now_ms() - start;
    if (w->status == PLUGWIRE_STATUS_OK) plugwire_buffer_free(data, len);
    return NULL;
}

/* Defect 2: a thread blocked in next_event while another frees the client returns
 * CLIENT_CLOSED; free waits for it. */
static void test_free_while_pulling(void) {
    /* Keeps the runtime up, so free releases the handle right after waking the waiters. */
    PlugwireClient *keeper = new_client(NULL, NULL);
    for (int round = 0; round < 10; round++) {
        PlugwireClient *client = new_client(NULL, NULL);
        waiter w[4];
        pthread_t t[4];
        for (int i = 0; i < 4; i++) {
            w[i] = (waiter){client, -1, 0};
            pthread_create(&t[i], NULL, wait_next_event, &w[i]);
        }
        usleep(50000);
        CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
        for (int i = 0; i < 4; i++) {
            pthread_join(t[i], NULL);
            CHECK(w[i].status == PLUGWIRE_STATUS_CLIENT_CLOSED);
            CHECK(w[i].waited_ms < 5000 * slow());
        }
    }
    CHECK(plugwire_client_free(keeper) == PLUGWIRE_STATUS_OK);
}

/* Defect 7: after plugwire_shutdown, next_event on an old handle reports the shutdown even
 * when events were queued before it. */
static void test_next_event_after_shutdown(void) {
    PlugwireClient *client = new_client(NULL, NULL);
    CHECK(connect_lush(client, 0));
    CHECK(start_scanning(client));
    usleep(200000); /* device added: queued */
    CHECK(plugwire_shutdown(2000) == PLUGWIRE_STATUS_OK);
    uint8_t *data = NULL;
    size_t len = 0;
    PlugwireStatus status = plugwire_client_next_event(client, 0, &data, &len);
    CHECK(status == PLUGWIRE_STATUS_SHUT_DOWN || status == PLUGWIRE_STATUS_CLIENT_CLOSED);
    if (status == PLUGWIRE_STATUS_OK) plugwire_buffer_free(data, len);
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
}

/* A reply callback that marks itself running for a while. */
static int slow_inside = 0;
static int slow_started = 0;

static void slow_reply(void *user_data, const uint8_t *data, size_t len) {
    (void)data;
    (void)len;
    int *alive = user_data;
    __atomic_store_n(&slow_inside, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&slow_started, 1, __ATOMIC_SEQ_CST);
    usleep(500000);
    CHECK(*alive == 1);
    __atomic_store_n(&slow_inside, 0, __ATOMIC_SEQ_CST);
}

static void *shutdown_thread(void *arg) {
    int *status = arg;
    *status = plugwire_shutdown(5000);
    return NULL;
}

/* Defect 3: plugwire_client_free racing plugwire_shutdown returns only after the client's
 * running callback returned. */
static void test_free_racing_shutdown(void) {
    int *alive = malloc(sizeof *alive);
    *alive = 1;
    slow_started = 0;
    PlugwireClient *client = new_client(NULL, NULL);
    Plugwire__V1__Ping ping = PLUGWIRE__V1__PING__INIT;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_PING;
    req.ping = &ping;
    CHECK(send_request(client, &req, slow_reply, alive) == PLUGWIRE_STATUS_OK);
    for (int i = 0; i < 500 && !__atomic_load_n(&slow_started, __ATOMIC_SEQ_CST); i++) usleep(10000);
    CHECK(slow_started);
    int shutdown_status = -1;
    pthread_t t;
    pthread_create(&t, NULL, shutdown_thread, &shutdown_status);
    usleep(100000); /* shutdown is closing the client, waiting for the callback */
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
    CHECK(__atomic_load_n(&slow_inside, __ATOMIC_SEQ_CST) == 0);
    *alive = 0;
    free(alive);
    pthread_join(t, NULL);
    CHECK(shutdown_status == PLUGWIRE_STATUS_OK);
}

/* Defect 4: two clients whose callbacks free each other do not deadlock. */
typedef struct {
    PlugwireClient *other;
    int *arrived;
    int freed;
} mutual;

static void free_other(void *user_data, const uint8_t *data, size_t len) {
    (void)data;
    (void)len;
    mutual *m = user_data;
    /* Both callbacks are running before either frees. */
    __atomic_add_fetch(m->arrived, 1, __ATOMIC_SEQ_CST);
    for (int i = 0; i < 300 && __atomic_load_n(m->arrived, __ATOMIC_SEQ_CST) < 2; i++) usleep(10000);
    CHECK(plugwire_client_free(m->other) == PLUGWIRE_STATUS_OK);
    __atomic_store_n(&m->freed, 1, __ATOMIC_SEQ_CST);
}

static void test_clients_free_each_other(void) {
    PlugwireClient *a = new_client(NULL, NULL);
    PlugwireClient *b = new_client(NULL, NULL);
    int arrived = 0;
    mutual ma = {b, &arrived, 0}, mb = {a, &arrived, 0};
    Plugwire__V1__Ping ping = PLUGWIRE__V1__PING__INIT;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_PING;
    req.ping = &ping;
    CHECK(send_request(a, &req, free_other, &ma) == PLUGWIRE_STATUS_OK);
    CHECK(send_request(b, &req, free_other, &mb) == PLUGWIRE_STATUS_OK);
    for (int i = 0; i < 1000 && !(__atomic_load_n(&ma.freed, __ATOMIC_SEQ_CST) &&
                                  __atomic_load_n(&mb.freed, __ATOMIC_SEQ_CST));
         i++)
        usleep(10000);
    CHECK(ma.freed && mb.freed);
}

/* Defect 10: plugwire_shutdown(timeout) closes clients together within one timeout, even
 * when every client's devices hang. Issue 11: a hanging device gets an error reply within
 * the hardware timeout, and free returns within its bound with no callback after. */
static int set_write_fault(PlugwireClient *client, Plugwire__V1__WriteFault fault, uint32_t delay_ms) {
    Plugwire__V1__SimulatedSetWriteFault f = PLUGWIRE__V1__SIMULATED_SET_WRITE_FAULT__INIT;
    f.address = (char *)LUSH;
    f.fault = fault;
    f.delay_ms = delay_ms;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_SIMULATED_SET_WRITE_FAULT;
    req.simulated_set_write_fault = &f;
    return call_ok(client, &req);
}

static int late_reply = 0;
static int after_return = 0;

static void note_reply(void *user_data, const uint8_t *data, size_t len) {
    (void)data;
    (void)len;
    (void)user_data;
    if (__atomic_load_n(&after_return, __ATOMIC_SEQ_CST)) __atomic_store_n(&late_reply, 1, __ATOMIC_SEQ_CST);
}

/* A client on a Lush whose writes hang, with commands in flight. */
static PlugwireClient *hanging_client(uint32_t hardware_timeout_ms) {
    PlugwireClient *client = new_client(NULL, NULL);
    CHECK(connect_lush(client, hardware_timeout_ms));
    CHECK(start_scanning(client));
    CHECK(pull_device_added(client));
    CHECK(set_write_fault(client, PLUGWIRE__V1__WRITE_FAULT__WRITE_FAULT_HANG, 0));
    Plugwire__V1__Request req;
    Plugwire__V1__DeviceOutput out;
    for (int i = 1; i <= 3; i++) {
        vibrate_request(&req, &out, 0, 0, i / 10.0);
        CHECK(send_request(client, &req, note_reply, NULL) == PLUGWIRE_STATUS_OK);
    }
    return client;
}

static void test_hanging_device(void) {
    /* A command to a hanging device is answered with an error within the hardware timeout. */
    PlugwireClient *client = new_client(NULL, NULL);
    CHECK(connect_lush(client, 500));
    CHECK(start_scanning(client));
    CHECK(pull_device_added(client));
    CHECK(set_write_fault(client, PLUGWIRE__V1__WRITE_FAULT__WRITE_FAULT_HANG, 0));
    Plugwire__V1__Request req;
    Plugwire__V1__DeviceOutput out;
    vibrate_request(&req, &out, 0, 0, 0.5);
    inbox replies;
    inbox_init(&replies);
    double start = now_ms();
    CHECK(send_request(client, &req, inbox_push, &replies) == PLUGWIRE_STATUS_OK);
    size_t len;
    uint8_t *data = inbox_pop(&replies, (int)(3000 * slow()), &len);
    double waited = now_ms() - start;
    CHECK(data != NULL);
    if (data) {
        Plugwire__V1__Reply *reply = plugwire__v1__reply__unpack(NULL, len, data);
        CHECK(reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_ERROR);
        if (reply) plugwire__v1__reply__free_unpacked(reply, NULL);
        free(data);
    }
    CHECK(waited < 500 + 1500 * slow());
    printf("hanging device: error reply after %.0f ms (hardware timeout 500 ms)\n", waited);
    inbox_destroy(&replies);
    /* Unknown fault values are refused. */
    CHECK(!set_write_fault(client, (Plugwire__V1__WriteFault)77, 0));
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);

    /* Free with a hanging device and commands in flight returns within CLOSE_TIMEOUT (5 s),
     * and nothing calls back afterwards. */
    late_reply = 0;
    after_return = 0;
    client = hanging_client(0); /* default hardware timeout (3 s) */
    start = now_ms();
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
    __atomic_store_n(&after_return, 1, __ATOMIC_SEQ_CST);
    double took = now_ms() - start;
    printf("hanging device: free took %.0f ms\n", took);
    CHECK(took < 5000 + 1000 * slow());

    /* Shutdown with three hanging clients: one timeout for all of them, not one each. */
    __atomic_store_n(&after_return, 0, __ATOMIC_SEQ_CST);
    PlugwireClient *clients[3];
    for (int i = 0; i < 3; i++) clients[i] = hanging_client(0);
    start = now_ms();
    CHECK(plugwire_shutdown(1000) == PLUGWIRE_STATUS_OK);
    __atomic_store_n(&after_return, 1, __ATOMIC_SEQ_CST);
    took = now_ms() - start;
    printf("hanging devices: shutdown(1000) of 3 clients took %.0f ms\n", took);
    CHECK(took < 1000 + 1000 * slow());
    usleep(300000);
    CHECK(__atomic_load_n(&late_reply, __ATOMIC_SEQ_CST) == 0);
    for (int i = 0; i < 3; i++) CHECK(plugwire_client_free(clients[i]) == PLUGWIRE_STATUS_OK);
}

/* ---- one error vocabulary ---- */

static void stop_device_request(Plugwire__V1__Request *req, Plugwire__V1__StopDevice *stop, uint32_t device) {
    plugwire__v1__stop_device__init(stop);
    stop->device_index = device;
    plugwire__v1__request__init(req);
    req->kind_case = PLUGWIRE__V1__REQUEST__KIND_STOP_DEVICE;
    req->stop_device = stop;
}

static void battery_request(Plugwire__V1__Request *req, Plugwire__V1__DeviceInput *in, uint32_t device,
                            uint32_t feature) {
    plugwire__v1__device_input__init(in);
    in->device_index = device;
    in->feature_index = feature;
    in->input = PLUGWIRE__V1__INPUT_TYPE__INPUT_TYPE_BATTERY;
    in->command = PLUGWIRE__V1__INPUT_COMMAND__INPUT_COMMAND_READ;
    plugwire__v1__request__init(req);
    req->kind_case = PLUGWIRE__V1__REQUEST__KIND_DEVICE_INPUT;
    req->device_input = in;
}

static void test_error_vocabulary(void) {
    PlugwireClient *client = new_client(NULL, NULL);
    Plugwire__V1__Request req;
    Plugwire__V1__DeviceOutput out;
    Plugwire__V1__DeviceInput in;
    Plugwire__V1__StopDevice stop;
    const int NOT_CONNECTED = PLUGWIRE__V1__ERROR_CODE__ERROR_CODE_NOT_CONNECTED;
    const int UNKNOWN_DEVICE = PLUGWIRE__V1__ERROR_CODE__ERROR_CODE_UNKNOWN_DEVICE;
    const int INVALID_ARGUMENT = PLUGWIRE__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT;

    /* Before connecting. */
    vibrate_request(&req, &out, 0, 0, 0.5);
    CHECK(error_code(client, &req) == NOT_CONNECTED);
    battery_request(&req, &in, 0, 1);
    CHECK(error_code(client, &req) == NOT_CONNECTED);
    stop_device_request(&req, &stop, 0);
    CHECK(error_code(client, &req) == NOT_CONNECTED);

    CHECK(connect_lush(client, 0));
    CHECK(start_scanning(client));
    CHECK(pull_device_added(client));
    /* An unknown device: the same code whatever the request. */
    vibrate_request(&req, &out, 42, 0, 0.5);
    CHECK(error_code(client, &req) == UNKNOWN_DEVICE);
    battery_request(&req, &in, 42, 1);
    CHECK(error_code(client, &req) == UNKNOWN_DEVICE);
    stop_device_request(&req, &stop, 42);
    CHECK(error_code(client, &req) == UNKNOWN_DEVICE);
    /* An unknown feature: the same code whatever the request. */
    vibrate_request(&req, &out, 0, 9, 0.5);
    CHECK(error_code(client, &req) == INVALID_ARGUMENT);
    battery_request(&req, &in, 0, 9);
    CHECK(error_code(client, &req) == INVALID_ARGUMENT);

    /* After Disconnect: not connected, whatever the request. */
    Plugwire__V1__Disconnect bye = PLUGWIRE__V1__DISCONNECT__INIT;
    plugwire__v1__request__init(&req);
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_DISCONNECT;
    req.disconnect = &bye;
    CHECK(call_ok(client, &req));
    vibrate_request(&req, &out, 0, 0, 0.5);
    CHECK(error_code(client, &req) == NOT_CONNECTED);
    battery_request(&req, &in, 0, 1);
    CHECK(error_code(client, &req) == NOT_CONNECTED);
    stop_device_request(&req, &stop, 0);
    CHECK(error_code(client, &req) == NOT_CONNECTED);
    Plugwire__V1__StopAll all = PLUGWIRE__V1__STOP_ALL__INIT;
    plugwire__v1__request__init(&req);
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_STOP_ALL;
    req.stop_all = &all;
    CHECK(error_code(client, &req) == NOT_CONNECTED);
    Plugwire__V1__StartScanning s = PLUGWIRE__V1__START_SCANNING__INIT;
    plugwire__v1__request__init(&req);
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_START_SCANNING;
    req.start_scanning = &s;
    CHECK(error_code(client, &req) == NOT_CONNECTED);
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
}

static int simulated_request(PlugwireClient *client, int drop) {
    Plugwire__V1__SimulatedDrop d = PLUGWIRE__V1__SIMULATED_DROP__INIT;
    Plugwire__V1__SimulatedRestore r = PLUGWIRE__V1__SIMULATED_RESTORE__INIT;
    d.address = r.address = (char *)LUSH;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    if (drop) {
        req.kind_case = PLUGWIRE__V1__REQUEST__KIND_SIMULATED_DROP;
        req.simulated_drop = &d;
    } else {
        req.kind_case = PLUGWIRE__V1__REQUEST__KIND_SIMULATED_RESTORE;
        req.simulated_restore = &r;
    }
    return call_ok(client, &req);
}

/* A device that went away just before a command: whether the client or the server notices
 * first, the answer is UNKNOWN_DEVICE, as for any unknown device. */
static void test_device_gone_is_unknown_device(void) {
    PlugwireClient *client = new_client(NULL, NULL);
    CHECK(connect_lush(client, 0));
    CHECK(start_scanning(client));
    CHECK(pull_device_added(client));
    Plugwire__V1__Request req;
    Plugwire__V1__DeviceOutput out;
    Plugwire__V1__DeviceInput in;
    Plugwire__V1__StopDevice stop;
    int rounds = 30, unknown = 0;
    for (int i = 0; i < rounds; i++) {
        CHECK(simulated_request(client, 1));
        int kind = i % 3;
        if (kind == 0) vibrate_request(&req, &out, 0, 0, 0.5);
        if (kind == 1) battery_request(&req, &in, 0, 1);
        if (kind == 2) stop_device_request(&req, &stop, 0);
        Plugwire__V1__Reply *reply = call(client, &req);
        int code = reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_ERROR ? (int)reply->error->code : -1;
        if (code == PLUGWIRE__V1__ERROR_CODE__ERROR_CODE_UNKNOWN_DEVICE) unknown++;
        else fprintf(stderr, "device gone, request %d: code %d (%s)\n", kind, code,
                     code >= 0 ? reply->error->message : "not an error");
        if (reply) plugwire__v1__reply__free_unpacked(reply, NULL);
        CHECK(simulated_request(client, 0));
        CHECK(pull_device_added(client));
    }
    CHECK(unknown == rounds);
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
}

/* ---- serial ports ---- */
#ifndef _WIN32 /* socat PTY pairs and /proc/self/fd: Linux only */

/* How many of this process's descriptors are open on `target` (a device path). */
static int fds_open_on(const char *target) {
    int n = 0;
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) return -1;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        char link[300], dest[PATH_MAX];
        snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
        ssize_t len = readlink(link, dest, sizeof dest - 1);
        if (len <= 0) continue;
        dest[len] = '\0';
        if (strcmp(dest, target) == 0) n++;
    }
    closedir(dir);
    return n;
}

/* Defect 6: after the last client is freed, no serial port stays open (a host that
 * restarts, such as the Unity editor, must be able to reopen it). */
static void test_serial_port_closed_after_free(void) {
    char dir[] = "/tmp/plugwire-c-serial-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    char dev[256], sim[256], arg1[300], arg2[300];
    snprintf(dev, sizeof dev, "%s/ttyOSR", dir);
    snprintf(sim, sizeof sim, "%s/ttySIM", dir);
    snprintf(arg1, sizeof arg1, "pty,raw,echo=0,link=%s", dev);
    snprintf(arg2, sizeof arg2, "pty,raw,echo=0,link=%s", sim);
    pid_t socat = fork();
    if (socat == 0) {
        execlp("socat", "socat", arg1, arg2, (char *)NULL);
        _exit(127);
    }
    struct stat st;
    for (int i = 0; i < 500 && (stat(dev, &st) != 0 || stat(sim, &st) != 0); i++) usleep(10000);
    char pts[PATH_MAX];
    if (stat(dev, &st) != 0 || !realpath(dev, pts)) {
        printf("skipped: socat made no PTY pair (apt install socat)\n");
        kill(socat, SIGTERM);
        waitpid(socat, NULL, 0);
        rmdir(dir);
        return;
    }
    char config[2048];
    snprintf(config, sizeof config,
             "{\"version\": {\"major\": 4, \"minor\": 0}, \"user_configs\": {\"protocols\": {\"tcode-v03\": {"
             "\"communication\": [{\"serial\": {\"port\": \"%s\", \"baud_rate\": 115200, \"data_bits\": 8, "
             "\"parity\": \"N\", \"stop_bits\": 1}}], \"configurations\": [{\"identifier\": [\"%s\"], "
             "\"name\": \"OSR2\", \"features\": [{\"index\": 0, \"output\": {\"position\": "
             "{\"value\": [0, 999]}}}]}]}}}}",
             dev, dev);
    PlugwireClient *client = new_client(NULL, NULL);
    Plugwire__V1__ConnectEmbedded connect = PLUGWIRE__V1__CONNECT_EMBEDDED__INIT;
    connect.serial = 1;
    connect.user_config_json = config;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_CONNECT_EMBEDDED;
    req.connect_embedded = &connect;
    CHECK(call_ok(client, &req));
    CHECK(start_scanning(client));
    CHECK(pull_device_added(client));
    CHECK(fds_open_on(pts) > 0);
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
    /* Closed by the time free returns: the host may reopen it at once. */
    CHECK(fds_open_on(pts) == 0);
    kill(socat, SIGTERM);
    waitpid(socat, NULL, 0);
    unlink(dev);
    unlink(sim);
    rmdir(dir);
}
#endif

/* ---- plugwire_client_close (#24): the uv_close-style release ---- */

typedef struct {
    int callbacks;      /* reply and event callbacks that ran */
    int running;        /* callbacks running now */
    int after_closed;   /* callbacks that started after on_closed (must stay 0) */
    int closed;         /* on_closed calls */
    int overlapped;     /* on_closed ran while a callback was running */
    PlugwireClient *close_me; /* closed from inside the first callback that sees it */
    int sent;                 /* the host is done with the handle (it must not use it once closed) */
    double close_took_ms;
} close_ctx;

static void close_ctx_closed(void *user_data) {
    close_ctx *c = user_data;
    if (__atomic_load_n(&c->running, __ATOMIC_SEQ_CST) != 0) __atomic_store_n(&c->overlapped, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&c->closed, 1, __ATOMIC_SEQ_CST);
}

static void close_ctx_callback(void *user_data, const uint8_t *data, size_t len) {
    (void)data;
    (void)len;
    close_ctx *c = user_data;
    __atomic_add_fetch(&c->running, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&c->closed, __ATOMIC_SEQ_CST)) __atomic_add_fetch(&c->after_closed, 1, __ATOMIC_SEQ_CST);
    PlugwireClient *mine = __atomic_exchange_n(&c->close_me, NULL, __ATOMIC_SEQ_CST);
    if (mine) {
        /* Holds the callback thread until every request is sent: the rest of the replies
         * are then in flight at the close. */
        while (!__atomic_load_n(&c->sent, __ATOMIC_SEQ_CST)) usleep(100);
        double t0 = now_ms();
        CHECK(plugwire_client_close(mine, close_ctx_closed, c) == PLUGWIRE_STATUS_OK);
        c->close_took_ms = now_ms() - t0;
    }
    __atomic_add_fetch(&c->callbacks, 1, __ATOMIC_SEQ_CST);
    usleep(200);
    __atomic_sub_fetch(&c->running, 1, __ATOMIC_SEQ_CST);
}

/* Sends `n` pings whose replies go to the context's callback. */
static void close_ctx_flood(PlugwireClient *client, close_ctx *c, int n) {
    Plugwire__V1__Ping ping = PLUGWIRE__V1__PING__INIT;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_PING;
    req.ping = &ping;
    for (int i = 0; i < n; i++) CHECK(send_request(client, &req, close_ctx_callback, c) == PLUGWIRE_STATUS_OK);
}

static void close_ctx_wait(close_ctx *c) {
    double start = now_ms();
    while (!__atomic_load_n(&c->closed, __ATOMIC_SEQ_CST) && now_ms() - start < 10000 * slow()) usleep(1000);
    CHECK(__atomic_load_n(&c->closed, __ATOMIC_SEQ_CST) == 1);
    int seen = __atomic_load_n(&c->callbacks, __ATOMIC_SEQ_CST);
    usleep(200000);
    CHECK(__atomic_load_n(&c->callbacks, __ATOMIC_SEQ_CST) == seen);
    CHECK(c->after_closed == 0);
    CHECK(c->closed == 1);
    CHECK(c->overlapped == 0);
}

/* Close returns at once with replies and events in flight; on_closed is the last callback. */
static void test_close_is_the_last_callback(void) {
    CHECK(plugwire_client_close(NULL, close_ctx_closed, NULL) == PLUGWIRE_STATUS_OK);
    for (int round = 0; round < 10; round++) {
        close_ctx c = {0};
        PlugwireClient *client = new_client(close_ctx_callback, &c);
        CHECK(connect_lush(client, 0));
        CHECK(start_scanning(client));
        close_ctx_flood(client, &c, 1000);
        usleep((useconds_t)(round * 500));
        double t0 = now_ms();
        CHECK(plugwire_client_close(client, close_ctx_closed, &c) == PLUGWIRE_STATUS_OK);
        CHECK(now_ms() - t0 < 200 * slow());
        close_ctx_wait(&c);
    }
}

/* Close from inside the client's own callback returns at once too. */
static void test_close_from_own_callback(void) {
    close_ctx c = {0};
    PlugwireClient *client = new_client(close_ctx_callback, &c);
    CHECK(connect_lush(client, 0));
    __atomic_store_n(&c.close_me, client, __ATOMIC_SEQ_CST);
    close_ctx_flood(client, &c, 200);
    __atomic_store_n(&c.sent, 1, __ATOMIC_SEQ_CST);
    close_ctx_wait(&c);
    CHECK(c.callbacks < 200); /* replies were in flight, and never answered */
    CHECK(c.close_took_ms < 200 * slow());
}

static void watchdog(int sig) {
    (void)sig;
    static const char msg[] = "test_lifetimes: watchdog fired (deadlock?)\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(2);
}

#ifdef _WIN32
/* No SIGALRM on Windows (the suite runs there under Wine): a thread ends the run instead. */
static void *watchdog_thread(void *arg) {
    (void)arg;
    for (double waited_s = 0; waited_s < 240 * slow(); waited_s += 0.5) usleep(500000);
    watchdog(0);
    return NULL;
}
#endif

int main(int argc, char **argv) {
#ifdef _WIN32
    pthread_t dog;
    pthread_create(&dog, NULL, watchdog_thread, NULL);
    pthread_detach(dog);
#else
    signal(SIGALRM, watchdog);
    alarm((unsigned)(240 * slow()));
#endif
    const char *only = argc > 1 ? argv[1] : NULL;
#define RUN(name)                                          \
    do {                                                   \
        if (!only || strcmp(only, #name) == 0) {           \
            printf("-- %s\n", #name);                      \
            fflush(stdout);                                \
            test_##name();                                 \
        }                                                  \
    } while (0)
    RUN(log_level_validated);
    RUN(log_callback_quiescence);
    RUN(log_verbose_levels);
    RUN(log_queue_pulled);
    RUN(slow_log_sink_does_not_stall);
    RUN(free_and_shutdown_from_log_callback);
    RUN(free_while_pulling);
    RUN(next_event_after_shutdown);
    RUN(free_racing_shutdown);
    RUN(clients_free_each_other);
    RUN(error_vocabulary);
    RUN(device_gone_is_unknown_device);
    RUN(hanging_device);
    RUN(close_is_the_last_callback);
    RUN(close_from_own_callback);
#ifndef _WIN32
    RUN(serial_port_closed_after_free);
#else
    printf("-- serial_port_closed_after_free: skipped on Windows (it needs socat PTY pairs)\n");
#endif
    CHECK(plugwire_shutdown(2000) == PLUGWIRE_STATUS_OK);
    printf("%d passed, %d failed\n", checks_passed, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}
