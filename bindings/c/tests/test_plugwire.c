/* The C ABI tested from C: connect an embedded server with simulated toys, scan, device
 * added events, command bytes reaching a device, battery, pull mode, errors, callbacks
 * that call back in or free their client, and freeing with requests in flight.
 *
 * Usage: test_plugwire [--stress]   (--stress adds 8 threads x 10,000 requests and 1,000
 * create/free cycles; PLUGWIRE_STRESS_SCALE divides those counts, e.g. under valgrind).
 * Prints "N passed, N failed" and exits non-zero on any failure. */
#include "support.h"

#include <unistd.h>

static const char *LUSH = "C0:00:00:00:00:01";
static const char *NORA = "C0:00:00:00:00:02";

/* Connects `client` to an embedded server with a Lush and a Nora, no message gap. */
static int connect_embedded(PlugwireClient *client) {
    Plugwire__V1__SimulatedDevice lush = PLUGWIRE__V1__SIMULATED_DEVICE__INIT;
    lush.name = "LVS-Lush";
    lush.address = (char *)LUSH;
    lush.battery_case = PLUGWIRE__V1__SIMULATED_DEVICE__BATTERY_BATTERY_LEVEL;
    lush.battery_level = 55;
    Plugwire__V1__SimulatedDevice nora = PLUGWIRE__V1__SIMULATED_DEVICE__INIT;
    nora.name = "LVS-Nora";
    nora.address = (char *)NORA;
    Plugwire__V1__SimulatedDevice *devices[] = {&lush, &nora};
    Plugwire__V1__ConnectEmbedded connect = PLUGWIRE__V1__CONNECT_EMBEDDED__INIT;
    connect.client_name = "C test";
    connect.n_simulated_devices = 2;
    connect.simulated_devices = devices;
    connect.default_gap_case = PLUGWIRE__V1__CONNECT_EMBEDDED__DEFAULT_GAP_DEFAULT_MESSAGE_GAP_MS;
    connect.default_message_gap_ms = 0;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_CONNECT_EMBEDDED;
    req.connect_embedded = &connect;
    return call_ok(client, &req);
}

/* Builds a DeviceOutput request in caller storage. */

/* Waits until both toys were added (simulated toys never finish a scan, as in the
   reference; a ScanningFinished fails the test); records each device's index by name. */
typedef struct {
    int lush, nora, added;
} found_devices;

static int await_scan(inbox *events, found_devices *found) {
    found->lush = found->nora = -1;
    found->added = 0;
    for (;;) {
        size_t len;
        uint8_t *data = inbox_pop(events, 10000, &len);
        if (!data) return 0;
        Plugwire__V1__Event *event = plugwire__v1__event__unpack(NULL, len, data);
        free(data);
        if (!event) return 0;
        CHECK(event->kind_case != PLUGWIRE__V1__EVENT__KIND_SCANNING_FINISHED);
        if (event->kind_case == PLUGWIRE__V1__EVENT__KIND_DEVICE_ADDED) {
            found->added++;
            if (strcmp(event->device_added->name, "Lovense Lush") == 0) found->lush = (int)event->device_added->index;
            if (strcmp(event->device_added->name, "Lovense Nora") == 0) {
                found->nora = (int)event->device_added->index;
                /* Nora: vibrate, rotate -20..20, battery. */
                CHECK(event->device_added->n_features == 3);
                if (event->device_added->n_features == 3) {
                    Plugwire__V1__Feature *rotate = event->device_added->features[1];
                    CHECK(rotate->n_outputs == 1 && rotate->outputs[0]->type == PLUGWIRE__V1__OUTPUT_TYPE__OUTPUT_TYPE_ROTATE);
                    CHECK(rotate->n_outputs == 1 && rotate->outputs[0]->min == -20 && rotate->outputs[0]->max == 20);
                }
            }
        }
        plugwire__v1__event__free_unpacked(event, NULL);
        if (found->added == 2) return 1;
    }
}

/* The text of every write a simulated device received (without identification), joined
 * with '|' into `out`. */
static void write_log(PlugwireClient *client, const char *address, char *out, size_t cap) {
    Plugwire__V1__SimulatedWriteLog log = PLUGWIRE__V1__SIMULATED_WRITE_LOG__INIT;
    log.address = (char *)address;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_SIMULATED_WRITE_LOG;
    req.simulated_write_log = &log;
    out[0] = '\0';
    Plugwire__V1__Reply *reply = call(client, &req);
    CHECK(reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_WRITE_LOG);
    if (reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_WRITE_LOG) {
        for (size_t i = 0; i < reply->write_log->n_records; i++) {
            Plugwire__V1__WriteRecord *r = reply->write_log->records[i];
            if (r->kind != PLUGWIRE__V1__RECORD_KIND__RECORD_KIND_WRITE) continue;
            if (r->data.len == 11 && memcmp(r->data.data, "DeviceType;", 11) == 0) continue;
            size_t used = strlen(out);
            snprintf(out + used, cap - used, "%s%.*s", used ? "|" : "", (int)r->data.len, (const char *)r->data.data);
        }
    }
    if (reply) plugwire__v1__reply__free_unpacked(reply, NULL);
}

static void test_version(void) {
    CHECK(strlen(plugwire_version()) > 0);
    CHECK(plugwire_abi_version() == PLUGWIRE_ABI_VERSION);
}

static void test_push_mode_end_to_end(void) {
    inbox events;
    inbox_init(&events);
    PlugwireClient *client = NULL;
    CHECK(plugwire_client_new(inbox_push, &events, &client) == PLUGWIRE_STATUS_OK);
    CHECK(connect_embedded(client));
    CHECK(start_scanning(client));
    found_devices found;
    CHECK(await_scan(&events, &found));
    CHECK(found.added == 2 && found.lush >= 0 && found.nora >= 0);

    Plugwire__V1__Request req;
    Plugwire__V1__DeviceOutput out;
    output_request(&req, &out, (uint32_t)found.lush, 0, PLUGWIRE__V1__OUTPUT_TYPE__OUTPUT_TYPE_VIBRATE, 0.05);
    CHECK(call_ok(client, &req));
    output_request(&req, &out, (uint32_t)found.lush, 0, PLUGWIRE__V1__OUTPUT_TYPE__OUTPUT_TYPE_VIBRATE, 0.5);
    CHECK(call_ok(client, &req));
    output_request(&req, &out, (uint32_t)found.nora, 1, PLUGWIRE__V1__OUTPUT_TYPE__OUTPUT_TYPE_ROTATE, -1.0);
    CHECK(call_ok(client, &req));
    char log[512];
    write_log(client, LUSH, log, sizeof log);
    CHECK(strcmp(log, "Vibrate:1;|Vibrate:10;") == 0);
    write_log(client, NORA, log, sizeof log);
    CHECK(strcmp(log, "RotateChange;|Rotate:20;") == 0);

    /* Battery read. */
    Plugwire__V1__DeviceInput input = PLUGWIRE__V1__DEVICE_INPUT__INIT;
    input.device_index = (uint32_t)found.lush;
    input.feature_index = 1;
    input.input = PLUGWIRE__V1__INPUT_TYPE__INPUT_TYPE_BATTERY;
    input.command = PLUGWIRE__V1__INPUT_COMMAND__INPUT_COMMAND_READ;
    plugwire__v1__request__init(&req);
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_DEVICE_INPUT;
    req.device_input = &input;
    Plugwire__V1__Reply *reply = call(client, &req);
    CHECK(reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_INPUT_READING && reply->input_reading->value == 55);
    if (reply) plugwire__v1__reply__free_unpacked(reply, NULL);

    /* Disconnecting stops every device; the server says goodbye with an event. */
    Plugwire__V1__Disconnect bye = PLUGWIRE__V1__DISCONNECT__INIT;
    plugwire__v1__request__init(&req);
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_DISCONNECT;
    req.disconnect = &bye;
    CHECK(call_ok(client, &req));
    write_log(client, LUSH, log, sizeof log);
    CHECK(strcmp(log, "Vibrate:1;|Vibrate:10;|Battery;|Vibrate:0;") == 0);
    write_log(client, NORA, log, sizeof log);
    /* The rotation ran the other way: the stop toggles it back while stopped. */
    CHECK(strcmp(log, "RotateChange;|Rotate:20;|Vibrate:0;|Rotate:0;|RotateChange;") == 0);

    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
    inbox_destroy(&events);
}

/* Pull mode: takes events until both toys were added (no ScanningFinished may come);
   returns how many devices were added. */
static int pull_until_scanned(PlugwireClient *client) {
    int added = 0;
    while (added < 2) {
        uint8_t *data = NULL;
        size_t len = 0;
        PlugwireStatus status = plugwire_client_next_event(client, 10000, &data, &len);
        CHECK(status == PLUGWIRE_STATUS_OK);
        if (status != PLUGWIRE_STATUS_OK) break;
        Plugwire__V1__Event *event = plugwire__v1__event__unpack(NULL, len, data);
        CHECK(plugwire_buffer_free(data, len) == PLUGWIRE_STATUS_OK);
        CHECK(event != NULL);
        if (!event) break;
        if (event->kind_case == PLUGWIRE__V1__EVENT__KIND_DEVICE_ADDED) added++;
        CHECK(event->kind_case != PLUGWIRE__V1__EVENT__KIND_SCANNING_FINISHED);
        plugwire__v1__event__free_unpacked(event, NULL);
    }
    return added;
}

static void test_pull_mode(void) {
    PlugwireClient *client = NULL;
    CHECK(plugwire_client_new(NULL, NULL, &client) == PLUGWIRE_STATUS_OK);
    CHECK(connect_embedded(client));
    CHECK(start_scanning(client));
    CHECK(pull_until_scanned(client) == 2);
    uint8_t *data = NULL;
    size_t len = 0;
    CHECK(plugwire_client_next_event(client, 10, &data, &len) == PLUGWIRE_STATUS_TIMEOUT);
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
}

static int error_code_of(PlugwireClient *client, Plugwire__V1__Request *req) {
    Plugwire__V1__Reply *reply = call(client, req);
    int code = -1;
    if (reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_ERROR) {
        code = reply->error->code;
        CHECK(strlen(reply->error->message) > 0);
    }
    if (reply) plugwire__v1__reply__free_unpacked(reply, NULL);
    return code;
}

static void test_errors(void) {
    PlugwireClient *client = NULL;
    CHECK(plugwire_client_new(NULL, NULL, NULL) == PLUGWIRE_STATUS_NULL_ARGUMENT);
    CHECK(strlen(plugwire_last_error_message()) > 0);
    CHECK(plugwire_client_new(NULL, NULL, &client) == PLUGWIRE_STATUS_OK);

    Plugwire__V1__Request req;
    Plugwire__V1__DeviceOutput out;
    output_request(&req, &out, 0, 0, PLUGWIRE__V1__OUTPUT_TYPE__OUTPUT_TYPE_VIBRATE, 0.5);
    CHECK(error_code_of(client, &req) == PLUGWIRE__V1__ERROR_CODE__ERROR_CODE_NOT_CONNECTED);
    CHECK(connect_embedded(client));
    CHECK(start_scanning(client));
    output_request(&req, &out, 42, 0, PLUGWIRE__V1__OUTPUT_TYPE__OUTPUT_TYPE_VIBRATE, 0.5);
    CHECK(error_code_of(client, &req) == PLUGWIRE__V1__ERROR_CODE__ERROR_CODE_UNKNOWN_DEVICE);
    Plugwire__V1__Ping ping = PLUGWIRE__V1__PING__INIT;
    plugwire__v1__request__init(&req);
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_PING;
    req.ping = &ping;
    CHECK(error_code_of(client, &req) == PLUGWIRE__V1__ERROR_CODE__ERROR_CODE_SERVER_PING);

    const uint8_t garbage[] = {0xff, 0xff, 0xff, 0x01};
    CHECK(plugwire_client_request(client, garbage, sizeof garbage, NULL, NULL) == PLUGWIRE_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(plugwire_last_error_message(), "not a valid") != NULL);
    CHECK(plugwire_client_request(NULL, garbage, sizeof garbage, NULL, NULL) == PLUGWIRE_STATUS_NULL_ARGUMENT);
    CHECK(plugwire_client_request(client, NULL, 4, NULL, NULL) == PLUGWIRE_STATUS_NULL_ARGUMENT);
    CHECK(plugwire_client_next_event(client, 0, NULL, NULL) == PLUGWIRE_STATUS_NULL_ARGUMENT);
    CHECK(plugwire_buffer_free(NULL, 0) == PLUGWIRE_STATUS_OK);
    CHECK(plugwire_client_free(NULL) == PLUGWIRE_STATUS_OK);
    /* Still working after all that. */
    CHECK(start_scanning(client));
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
}

/* A reply callback that sends another request from inside the callback. */
typedef struct {
    PlugwireClient *client;
    inbox *done;
} reentry;

static void request_from_callback(void *user_data, const uint8_t *data, size_t len) {
    (void)data;
    (void)len;
    reentry *r = user_data;
    Plugwire__V1__RequestDeviceList list = PLUGWIRE__V1__REQUEST_DEVICE_LIST__INIT;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_REQUEST_DEVICE_LIST;
    req.request_device_list = &list;
    CHECK(send_request(r->client, &req, inbox_push, r->done) == PLUGWIRE_STATUS_OK);
}

static void free_from_callback(void *user_data, const uint8_t *data, size_t len) {
    reentry *r = user_data;
    CHECK(plugwire_client_free(r->client) == PLUGWIRE_STATUS_OK);
    inbox_push(r->done, data, len);
}

static void test_callbacks_may_call_back_in(void) {
    inbox done;
    inbox_init(&done);
    PlugwireClient *client = NULL;
    CHECK(plugwire_client_new(NULL, NULL, &client) == PLUGWIRE_STATUS_OK);
    CHECK(connect_embedded(client));
    reentry r = {client, &done};
    Plugwire__V1__StartScanning scan = PLUGWIRE__V1__START_SCANNING__INIT;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_START_SCANNING;
    req.start_scanning = &scan;
    CHECK(send_request(client, &req, request_from_callback, &r) == PLUGWIRE_STATUS_OK);
    size_t len;
    uint8_t *reply = inbox_pop(&done, 10000, &len);
    CHECK(reply != NULL);
    free(reply);

    /* A client freed inside its own callback: no deadlock, nothing after. */
    CHECK(send_request(client, &req, free_from_callback, &r) == PLUGWIRE_STATUS_OK);
    reply = inbox_pop(&done, 10000, &len);
    CHECK(reply != NULL);
    free(reply);
    inbox_destroy(&done);
}

static void test_free_with_requests_in_flight(void) {
    inbox replies;
    inbox_init(&replies);
    PlugwireClient *client = NULL;
    CHECK(plugwire_client_new(NULL, NULL, &client) == PLUGWIRE_STATUS_OK);
    CHECK(connect_embedded(client));
    CHECK(start_scanning(client));
    Plugwire__V1__Request req;
    Plugwire__V1__DeviceOutput out;
    for (int i = 0; i < 500; i++) {
        output_request(&req, &out, 0, 0, PLUGWIRE__V1__OUTPUT_TYPE__OUTPUT_TYPE_VIBRATE, (i % 20) / 20.0);
        CHECK(send_request(client, &req, inbox_push, &replies) == PLUGWIRE_STATUS_OK);
    }
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
    /* Whatever was delivered came before free returned; nothing comes after. */
    inbox_drain(&replies);
    usleep(50000);
    size_t len;
    uint8_t *late = inbox_pop(&replies, 0, &len);
    CHECK(late == NULL);
    free(late);
    inbox_destroy(&replies);
}

/* ---- stress ---- */

static int scale(void) {
    const char *s = getenv("PLUGWIRE_STRESS_SCALE");
    int v = s ? atoi(s) : 1;
    return v > 0 ? v : 1;
}

typedef struct {
    PlugwireClient *client;
    int requests;
    int ok;
} stress_job;

static void *stress_thread(void *arg) {
    stress_job *job = arg;
    inbox replies;
    inbox_init(&replies);
    Plugwire__V1__Request req;
    Plugwire__V1__DeviceOutput out;
    int sent = 0;
    for (int i = 0; i < job->requests; i++) {
        output_request(&req, &out, 0, 0, PLUGWIRE__V1__OUTPUT_TYPE__OUTPUT_TYPE_VIBRATE, (i % 21) / 20.0);
        if (send_request(job->client, &req, inbox_push, &replies) == PLUGWIRE_STATUS_OK) sent++;
        /* Keep at most ~1000 replies waiting so the inbox never overflows. */
        while (sent - job->ok >= 1000) {
            size_t len;
            uint8_t *data = inbox_pop(&replies, 10000, &len);
            if (!data) break;
            Plugwire__V1__Reply *reply = plugwire__v1__reply__unpack(NULL, len, data);
            if (reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_OK) job->ok++;
            if (reply) plugwire__v1__reply__free_unpacked(reply, NULL);
            free(data);
        }
    }
    while (job->ok < sent) {
        size_t len;
        uint8_t *data = inbox_pop(&replies, 10000, &len);
        if (!data) break;
        Plugwire__V1__Reply *reply = plugwire__v1__reply__unpack(NULL, len, data);
        if (reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_OK) job->ok++;
        if (reply) plugwire__v1__reply__free_unpacked(reply, NULL);
        free(data);
    }
    inbox_destroy(&replies);
    return NULL;
}

static void test_stress_threads(void) {
    PlugwireClient *client = NULL;
    CHECK(plugwire_client_new(NULL, NULL, &client) == PLUGWIRE_STATUS_OK);
    CHECK(connect_embedded(client));
    CHECK(start_scanning(client));
    /* Every request must succeed, so device 0 must be there before the first one. */
    CHECK(pull_until_scanned(client) == 2);
    pthread_t threads[8];
    stress_job jobs[8];
    int per_thread = 10000 / scale();
    for (int t = 0; t < 8; t++) {
        jobs[t] = (stress_job){client, per_thread, 0};
        pthread_create(&threads[t], NULL, stress_thread, &jobs[t]);
    }
    int total = 0;
    for (int t = 0; t < 8; t++) {
        pthread_join(threads[t], NULL);
        total += jobs[t].ok;
    }
    CHECK(total == 8 * per_thread);
    printf("stress: 8 threads x %d requests, %d ok\n", per_thread, total);
    CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
}

static void test_stress_create_free(void) {
    int cycles = 1000 / scale();
    Plugwire__V1__Request req;
    Plugwire__V1__DeviceOutput out;
    for (int i = 0; i < cycles; i++) {
        PlugwireClient *client = NULL;
        CHECK(plugwire_client_new(NULL, NULL, &client) == PLUGWIRE_STATUS_OK);
        /* Connect and command without waiting: free lands while these are in flight. */
        Plugwire__V1__ConnectEmbedded connect = PLUGWIRE__V1__CONNECT_EMBEDDED__INIT;
        connect.simulated = 1;
        Plugwire__V1__Request c = PLUGWIRE__V1__REQUEST__INIT;
        c.kind_case = PLUGWIRE__V1__REQUEST__KIND_CONNECT_EMBEDDED;
        c.connect_embedded = &connect;
        CHECK(send_request(client, &c, NULL, NULL) == PLUGWIRE_STATUS_OK);
        output_request(&req, &out, 0, 0, PLUGWIRE__V1__OUTPUT_TYPE__OUTPUT_TYPE_VIBRATE, 0.5);
        CHECK(send_request(client, &req, NULL, NULL) == PLUGWIRE_STATUS_OK);
        CHECK(plugwire_client_free(client) == PLUGWIRE_STATUS_OK);
    }
    printf("stress: %d create/free cycles\n", cycles);
}

int main(int argc, char **argv) {
    int stress = argc > 1 && strcmp(argv[1], "--stress") == 0;
    test_version();
    test_push_mode_end_to_end();
    test_pull_mode();
    test_errors();
    test_callbacks_may_call_back_in();
    test_free_with_requests_in_flight();
    if (stress) {
        test_stress_threads();
        test_stress_create_free();
    }
    CHECK(plugwire_shutdown(2000) == PLUGWIRE_STATUS_OK);
    printf("%d passed, %d failed\n", checks_passed, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}
