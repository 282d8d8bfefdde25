// Which vector code this build compiles: ABCRNN_X86 is 1 on x86 (the AVX2, AVX-512 and PCLMULQDQ
// paths, each still chosen at run time by what the CPU has) and 0 elsewhere, where the portable
// paths do all the work with the same results. -DABCRNN_X86=0 builds the portable paths alone on x86
// too (tests/CMakeLists.txt compiles the guarded files so, to keep them building elsewhere).
#pragma once

#ifndef ABCRNN_X86
#if defined(__x86_64__) || defined(__i386__)
#define ABCRNN_X86 1
#else
#define ABCRNN_X86 0
#endif
#endif

#if ABCRNN_X86
#include <immintrin.h>
#endif
