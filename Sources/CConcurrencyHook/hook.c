#include "CConcurrencyHook.h"

// The runtime's hook (swift/Runtime/Concurrency.h), named here rather than found with dlsym (as
// NIO does) because a statically linked runtime, as in release builds, hides it from dlsym.
extern void *swift_task_enqueueGlobal_hook;

// Implemented in Swift (@_cdecl in LoopGlobalExecutor.swift).
extern void clinic_loop_enqueue(void *job);

// The hook's type: swiftcall, the job and the runtime's own enqueue (not used: every job goes to
// a loop).
__attribute__((swiftcall)) static void enqueue_global(void *job, void *original) {
    (void)original;
    clinic_loop_enqueue(job);
}

int clinic_install_loop_enqueue_hook(void) {
    void *expected = 0;
    return __atomic_compare_exchange_n(&swift_task_enqueueGlobal_hook, &expected, (void *)enqueue_global, 0,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
