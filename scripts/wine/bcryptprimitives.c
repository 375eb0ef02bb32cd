/* Test-only stand-in for Windows' bcryptprimitives.dll, which Wine 8 lacks. Rust's standard
 * library on Windows takes its random bytes from ProcessPrng there (every real Windows 10/11
 * has it); this one draws them from advapi32's RtlGenRandom (SystemFunction036), which Wine
 * has. scripts/wine/build builds it for the Wine test runs only: it never goes into
 * a package. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
