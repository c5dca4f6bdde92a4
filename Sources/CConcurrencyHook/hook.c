// The header is the whole target: it names a symbol of the Swift runtime.
#include "CConcurrencyHook.h"
