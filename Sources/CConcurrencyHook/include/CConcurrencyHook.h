#pragma once

/// Makes the Swift runtime hand every job for its global executor to `clinic_loop_enqueue`
/// (defined in Swift by RPCTransport's `LoopGlobalExecutor`) instead of its thread pool; returns
/// 1 when it did, 0 when another hook is installed. Call before tasks are started.
int clinic_install_loop_enqueue_hook(void);
