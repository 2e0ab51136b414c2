// Names the calling thread as `top -H`, `ps -L` and debuggers show it (at most 15 bytes kept).
#pragma once

#include <pthread.h>

namespace vigil {

inline void NameThisThread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace vigil
