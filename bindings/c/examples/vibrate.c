/* Example: connect to an embedded server with a simulated Lovense Lush, find it, make it
 * vibrate at half speed for a moment, and print the bytes the toy received.
 *
 * Build: see bindings/c/README.md (make -C bindings/c build/example). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugwire.h"
#include "plugwire.pb-c.h"

/* Waiting for one reply: the callback stores it and signals. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t done;
    Plugwire__V1__Reply *reply;
} pending;

static void on_reply(void *user_data, const uint8_t *data, size_t len) {
    pending *p = user_data;
    pthread_mutex_lock(&p->lock);
    p->reply = plugwire__v1__reply__unpack(NULL, len, data); /* data is only borrowed */
    pthread_cond_signal(&p->done);
    pthread_mutex_unlock(&p->lock);
}

/* Sends a request and waits for its reply; free the result with
 * plugwire__v1__reply__free_unpacked. */
static Plugwire__V1__Reply *request(PlugwireClient *client, Plugwire__V1__Request *req) {
    pending p = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL};
    size_t len = plugwire__v1__request__get_packed_size(req);
    uint8_t *buf = malloc(len ? len : 1);
    plugwire__v1__request__pack(req, buf);
    PlugwireStatus status = plugwire_client_request(client, buf, len, on_reply, &p);
    free(buf);
    if (status != PLUGWIRE_STATUS_OK) {
        fprintf(stderr, "request refused: %s\n", plugwire_last_error_message());
        return NULL;
    }
    pthread_mutex_lock(&p.lock);
    while (!p.reply) pthread_cond_wait(&p.done, &p.lock);
    pthread_mutex_unlock(&p.lock);
    return p.reply;
}

static int ok(Plugwire__V1__Reply *reply) {
    int good = reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_OK;
    if (reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_ERROR) fprintf(stderr, "error: %s\n", reply->error->message);
    if (reply) plugwire__v1__reply__free_unpacked(reply, NULL);
    return good;
}

int main(void) {
    printf("plugwire %s\n", plugwire_version());
    PlugwireClient *client = NULL;
    /* No event callback: events are pulled with plugwire_client_next_event. */
    if (plugwire_client_new(NULL, NULL, &client) != PLUGWIRE_STATUS_OK) return 1;

    Plugwire__V1__SimulatedDevice lush = PLUGWIRE__V1__SIMULATED_DEVICE__INIT;
    lush.name = "LVS-Lush";
    lush.address = "EX:AM:PL:E0:00:01";
    Plugwire__V1__SimulatedDevice *devices[] = {&lush};
    Plugwire__V1__ConnectEmbedded connect = PLUGWIRE__V1__CONNECT_EMBEDDED__INIT;
    connect.client_name = "C example";
    connect.n_simulated_devices = 1;
    connect.simulated_devices = devices;
    Plugwire__V1__Request req = PLUGWIRE__V1__REQUEST__INIT;
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_CONNECT_EMBEDDED;
    req.connect_embedded = &connect;
    if (!ok(request(client, &req))) return 1;

    Plugwire__V1__StartScanning scan = PLUGWIRE__V1__START_SCANNING__INIT;
    plugwire__v1__request__init(&req);
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_START_SCANNING;
    req.start_scanning = &scan;
    if (!ok(request(client, &req))) return 1;

    /* Scan until the toy is added, then stop scanning. Simulated toys (like devices on a
       websocket) never finish a scan by themselves, as in the reference; Bluetooth LE and
       serial scans run until stopped too, so an app waits for the devices it wants (or a
       time it chooses), then sends StopScanning. */
    uint32_t index = 0;
    int found = 0;
    while (!found) {
        uint8_t *data;
        size_t len;
        if (plugwire_client_next_event(client, 5000, &data, &len) != PLUGWIRE_STATUS_OK) return 1;
        Plugwire__V1__Event *event = plugwire__v1__event__unpack(NULL, len, data);
        plugwire_buffer_free(data, len); /* events are ours to free */
        if (!event) return 1;
        if (event->kind_case == PLUGWIRE__V1__EVENT__KIND_DEVICE_ADDED) {
            printf("found %s (index %u)\n", event->device_added->name, event->device_added->index);
            index = event->device_added->index;
            found = 1;
        }
        plugwire__v1__event__free_unpacked(event, NULL);
    }
    Plugwire__V1__StopScanning stop_scan = PLUGWIRE__V1__STOP_SCANNING__INIT;
    plugwire__v1__request__init(&req);
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_STOP_SCANNING;
    req.stop_scanning = &stop_scan;
    if (!ok(request(client, &req))) return 1;
    if (!found) return 1;

    Plugwire__V1__DeviceOutput out = PLUGWIRE__V1__DEVICE_OUTPUT__INIT;
    out.device_index = index;
    out.feature_index = 0;
    out.output = PLUGWIRE__V1__OUTPUT_TYPE__OUTPUT_TYPE_VIBRATE;
    out.value_case = PLUGWIRE__V1__DEVICE_OUTPUT__VALUE_FRACTION;
    out.fraction = 0.5;
    plugwire__v1__request__init(&req);
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_DEVICE_OUTPUT;
    req.device_output = &out;
    if (!ok(request(client, &req))) return 1;
    usleep(200000);

    Plugwire__V1__SimulatedWriteLog log = PLUGWIRE__V1__SIMULATED_WRITE_LOG__INIT;
    log.address = lush.address;
    plugwire__v1__request__init(&req);
    req.kind_case = PLUGWIRE__V1__REQUEST__KIND_SIMULATED_WRITE_LOG;
    req.simulated_write_log = &log;
    Plugwire__V1__Reply *reply = request(client, &req);
    if (reply && reply->kind_case == PLUGWIRE__V1__REPLY__KIND_WRITE_LOG) {
        for (size_t i = 0; i < reply->write_log->n_records; i++) {
            Plugwire__V1__WriteRecord *r = reply->write_log->records[i];
            if (r->kind == PLUGWIRE__V1__RECORD_KIND__RECORD_KIND_WRITE)
                printf("toy got on %s: %.*s\n", r->endpoint, (int)r->data.len, (const char *)r->data.data);
        }
    }
    if (reply) plugwire__v1__reply__free_unpacked(reply, NULL);

    /* Freeing the client stops the toy and, as the last client, the library's threads. */
    plugwire_client_free(client);
    return 0;
}
