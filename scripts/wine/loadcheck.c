/* Loads a plugwire.dll taken out of a package, as a Windows host would (scripts/wine/build
 * builds it; scripts/check-package-natives runs it under Wine): LoadLibrary by full path,
 * every function of plugwire.h resolved by name, the version and ABI version checked, and an
 * embedded client (the library's runtime and threads) made and freed.
 *   loadcheck.exe DLL EXPECTED_VERSION
 * Prints "loaded PATH: plugwire VERSION, ABI N" and exits 0, or says what failed. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "plugwire.h"

#define RESOLVE(name)                                                                 \
    __typeof__(&name) p_##name = (__typeof__(&name))(void *)GetProcAddress(dll, #name); \
    if (!p_##name) {                                                                  \
        fprintf(stderr, "loadcheck: %s does not export " #name "\n", argv[1]);       \
        return 1;                                                                     \
    }

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: loadcheck DLL EXPECTED_VERSION\n");
        return 2;
    }
    HMODULE dll = LoadLibraryA(argv[1]);
    if (!dll) {
        fprintf(stderr, "loadcheck: LoadLibrary(%s) failed: error %lu\n", argv[1], GetLastError());
        return 1;
    }
    RESOLVE(plugwire_version);
    RESOLVE(plugwire_abi_version);
    RESOLVE(plugwire_last_error_message);
    RESOLVE(plugwire_client_new);
    RESOLVE(plugwire_client_request);
    RESOLVE(plugwire_client_next_event);
    RESOLVE(plugwire_buffer_free);
    RESOLVE(plugwire_client_free);
    RESOLVE(plugwire_set_log_callback);
    RESOLVE(plugwire_set_log_level);
    RESOLVE(plugwire_shutdown);
    char loaded[MAX_PATH];
    GetModuleFileNameA(dll, loaded, sizeof loaded);
    const char *version = p_plugwire_version();
    if (strcmp(version, argv[2]) != 0) {
        fprintf(stderr, "loadcheck: %s is plugwire %s, expected %s\n", loaded, version, argv[2]);
        return 1;
    }
    if (p_plugwire_abi_version() != PLUGWIRE_ABI_VERSION) {
        fprintf(stderr, "loadcheck: %s has ABI %u, plugwire.h says %u\n", loaded, p_plugwire_abi_version(),
                (unsigned)PLUGWIRE_ABI_VERSION);
        return 1;
    }
    PlugwireClient *client = NULL;
    if (p_plugwire_client_new(NULL, NULL, &client) != PLUGWIRE_STATUS_OK || !client) {
        fprintf(stderr, "loadcheck: plugwire_client_new failed: %s\n", p_plugwire_last_error_message());
        return 1;
    }
    if (p_plugwire_client_free(client) != PLUGWIRE_STATUS_OK || p_plugwire_shutdown(5000) != PLUGWIRE_STATUS_OK) {
        fprintf(stderr, "loadcheck: freeing the client or shutting down failed: %s\n", p_plugwire_last_error_message());
        return 1;
    }
    printf("loaded %s: plugwire %s, ABI %u\n", loaded, version, p_plugwire_abi_version());
    return 0;
}
