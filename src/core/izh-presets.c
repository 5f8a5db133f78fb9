/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The presets: the study's seven cortical types, the 20 features of Izhikevich (2004) with their
 * published protocols, and the seven cell types of the 2007 book. */
#include <math.h>

#define ST_DEFINING_PRESETS
#include "core-private.h"
#include "spiketalk/registry.h"

/* The 2003 form with the standard equation and a, b, c, d. */
#define IZH(A, B, C, D)                                                                   \
    .izh = {.a = (A), .b = (B), .c = (C), .d = (D), .vpeak_mv = 30, .q2 = 0.04, .q1 = 5,  \
            .q0 = 140, .uv_mv = 0, .udecay = 1 }

/* (G) and (L): v' = 0.04 v^2 + 4.1 v + 108 - u + I. */
#define IZH_GL(A, B, C, D)                                                                \
    .izh = {.a = (A), .b = (B), .c = (C), .d = (D), .vpeak_mv = 30, .q2 = 0.04, .q1 = 4.1, \
            .q0 = 108, .uv_mv = 0, .udecay = 1 }

/* (R): u' = a b (v + 65), without the -u decay. */
#define IZH_R(A, B, C, D)                                                                 \
    .izh = {.a = (A), .b = (B), .c = (C), .d = (D), .vpeak_mv = 30, .q2 = 0.04, .q1 = 5,  \
            .q0 = 140, .uv_mv = -65, .udecay = 0 }

/* The study (seed program 1): v0 = -65, u0 = b v0, I = 5 for t > 300 ms, h = 0.5 ms, 1000 ms,
 * symplectic Euler in the study's own floating-point order (ST_INT_STUDY). Those protocol
 * values are the model's defaults. */
#define STUDY(NAME, TITLE, A, B, C, D)                                                    \
    {.name = NAME, .title = TITLE, .model = ST_MODEL_IZH, .kind = ST_PRESET_CELL,          \
     .params = {IZH(A, B, C, D)}, .v0_mv = -65, .u0 = NAN, .integrator = ST_INT_STUDY,    \
     .has_integrator = true}

/* A 2004 feature: figure1.m's parameters, V0, tau, T and input; u0 = b V0 unless given. */
#define FEATURE(NAME, L, TITLE, P, V0, U0, TAU, T, INPUT, NOTE)                           \
    {.name = NAME, .letter = L, .title = TITLE, .model = ST_MODEL_IZH,                    \
     .kind = ST_PRESET_FEATURE, .params = {P}, .v0_mv = V0, .u0 = U0, .input = INPUT,     \
     .dt_ms = TAU, .duration_ms = T, .integrator = ST_INT_SYMPLECTIC,                     \
     .has_integrator = true, .note = NOTE}

extern const st_preset st_izh_presets[];
const st_preset st_izh_presets[] = {
    STUDY("RS", "regular spiking", 0.02, 0.2, -65, 8),
    STUDY("IB", "intrinsically bursting", 0.02, 0.2, -55, 4),
    STUDY("CH", "chattering", 0.02, 0.2, -50, 2),
    STUDY("FS", "fast spiking", 0.1, 0.2, -65, 2),
    STUDY("LTS", "low-threshold spiking", 0.02, 0.25, -65, 2),
    STUDY("TC", "thalamo-cortical", 0.02, 0.25, -65, 0.05),
    STUDY("RZ", "resonator", 0.1, 0.26, -65, 2),

    FEATURE("tonic-spiking", "A", "tonic spiking", IZH(0.02, 0.2, -65, 6), -70, NAN, 0.25,
            100, "step:onset=10,amp=14", NULL),
    FEATURE("phasic-spiking", "B", "phasic spiking", IZH(0.02, 0.25, -65, 6), -64, NAN, 0.25,
            200, "step:onset=20,amp=0.5", NULL),
    FEATURE("tonic-bursting", "C", "tonic bursting", IZH(0.02, 0.2, -50, 2), -70, NAN, 0.25,
            220, "step:onset=22,amp=15", NULL),
    FEATURE("phasic-bursting", "D", "phasic bursting", IZH(0.02, 0.25, -55, 0.05), -64, NAN,
            0.2, 200, "step:onset=20,amp=0.6", NULL),
    FEATURE("mixed-mode", "E", "mixed mode", IZH(0.02, 0.2, -55, 4), -70, NAN, 0.25, 160,
            "step:onset=16,amp=10", NULL),
    FEATURE("spike-frequency-adaptation", "F", "spike frequency adaptation",
            IZH(0.01, 0.2, -65, 8), -70, NAN, 0.25, 85, "step:onset=8.5,amp=30", NULL),
    FEATURE("class-1-excitable", "G", "Class 1 excitable", IZH_GL(0.02, -0.1, -55, 6), -60,
            NAN, 0.25, 300, "ramp:start=30,slope=0.075",
            "modified v equation: v' = 0.04 v^2 + 4.1 v + 108 - u + I"),
    FEATURE("class-2-excitable", "H", "Class 2 excitable", IZH(0.2, 0.26, -65, 0), -64, NAN,
            0.25, 300, "ramp:start=30,slope=0.015,from=-0.5", NULL),
    FEATURE("spike-latency", "I", "spike latency", IZH(0.02, 0.2, -65, 6), -70, NAN, 0.2, 100,
            "pulse:start=10,width=3,amp=7.04", NULL),
    FEATURE("subthreshold-oscillations", "J", "subthreshold oscillations",
            IZH(0.05, 0.26, -60, 0), -62, NAN, 0.25, 200, "pulse:start=20,width=5,amp=2", NULL),
    FEATURE("resonator", "K", "resonator", IZH(0.1, 0.26, -60, -1), -62, NAN, 0.25, 400,
            "pulse:start=40,width=4,amp=0.65+pulse:start=60,width=4,amp=0.65"
            "+pulse:start=280,width=4,amp=0.65+pulse:start=320,width=4,amp=0.65",
            NULL),
    FEATURE("integrator", "L", "integrator", IZH_GL(0.02, -0.1, -55, 6), -60, NAN, 0.25, 100,
            "pulse:start=9.090909090909092,width=2,amp=9"
            "+pulse:start=14.090909090909092,width=2,amp=9"
            "+pulse:start=70,width=2,amp=9+pulse:start=80,width=2,amp=9",
            "modified v equation: v' = 0.04 v^2 + 4.1 v + 108 - u + I"),
    FEATURE("rebound-spike", "M", "rebound spike", IZH(0.03, 0.25, -60, 4), -64, NAN, 0.2, 200,
            "pulse:start=20,width=5,amp=-15", NULL),
    FEATURE("rebound-burst", "N", "rebound burst", IZH(0.03, 0.25, -52, 0), -64, NAN, 0.2, 200,
            "pulse:start=20,width=5,amp=-15", NULL),
    FEATURE("threshold-variability", "O", "threshold variability", IZH(0.03, 0.25, -60, 4), -64,
            NAN, 0.25, 100,
            "pulse:start=10,width=5,amp=1+pulse:start=80,width=5,amp=1"
            "+pulse:start=70,width=5,amp=-6",
            NULL),
    FEATURE("bistability", "P", "bistability", IZH(0.1, 0.26, -60, 0), -61, NAN, 0.25, 300,
            "const:amp=0.24+pulse:start=37.5,width=5,amp=1+pulse:start=216,width=5,amp=1",
            NULL),
    FEATURE("depolarizing-after-potential", "Q", "depolarizing after-potential",
            IZH(1.0, 0.2, -60, -21), -70, NAN, 0.1, 50, "pulse:start=9,width=2,amp=20", NULL),
    FEATURE("accommodation", "R", "accommodation",
            IZH_R(0.02, 1, -55, 4),
            -65, -16, 0.5, 400,
            "ramp:start=0,slope=0.04,dur=200+ramp:start=300,slope=0.32,dur=12.5",
            "modified u equation: u' = a b (v + 65), u0 = -16"),
    FEATURE("inhibition-induced-spiking", "S", "inhibition-induced spiking",
            IZH(-0.02, -1, -60, 8), -63.8, NAN, 0.5, 350,
            "const:amp=80+step:onset=50,dur=200,amp=-5,closed", NULL),
    FEATURE("inhibition-induced-bursting", "T", "inhibition-induced bursting",
            IZH(-0.026, -1, -45, -2), -63.8, NAN, 0.5, 350,
            "const:amp=80+step:onset=50,dur=200,amp=-5,closed", NULL),
};
_Static_assert(ST_COUNTOF(st_izh_presets) == ST_IZH_N_PRESETS, "update ST_IZH_N_PRESETS");

/* The 2007 form with its cell-type rules: vu, bh, vbs, pu, ru, umax, ucubic (izh07.h). */
#define R07(CAP, K, VR, VT, VP, A, B, C, D, VU, BH, VBS, PU, RU, UMAX, UCUB)                 \
    .izh07 = {.C_pf = CAP, .k = K, .vr_mv = VR, .vt_mv = VT, .vpeak_mv = VP, .a = A, .b = B, \
              .c = C, .d = D, .vu_mv = VU, .bh = BH, .vbs_mv = VBS, .pu = PU, .ru = RU,     \
              .umax = UMAX, .ucubic = UCUB, .vb_mv = -55}

/* The 2007 form with no special rules. */
#define B07(CAP, K, VR, VT, VP, A, B, C, D) \
    R07(CAP, K, VR, VT, VP, A, B, C, D, NAN, B, -INFINITY, 0, 0, INFINITY, 0)

/* A book cell: v0 = vr, u0 = 0, forward Euler. The step amplitudes are ours: a current that
 * shows each type's tonic pattern. */
#define BOOK(NAME, TITLE, P, VR, INPUT, NOTE)                                             \
    {.name = NAME, .title = TITLE, .model = ST_MODEL_IZH07, .kind = ST_PRESET_CELL,        \
     .params = {P}, .v0_mv = VR, .u0 = 0, .input = INPUT, .note = NOTE}

extern const st_preset st_izh07_presets[];
const st_preset st_izh07_presets[] = {
    BOOK("RS", "regular spiking (layer 5 pyramidal, Fig. 8.12)",
         B07(100, 0.7, -60, -40, 35, 0.03, -2, -50, 100), -60, "step:onset=100,amp=70", NULL),
    BOOK("IB", "intrinsically bursting (layer 5, Fig. 8.19)",
         B07(150, 1.2, -75, -45, 50, 0.01, 5, -56, 130), -75, "step:onset=100,amp=600", NULL),
    BOOK("CH", "chattering (cat V1, Fig. 8.23)", B07(50, 1.5, -60, -40, 25, 0.03, 1, -40, 150),
         -60, "step:onset=100,amp=300", NULL),
    BOOK("LTS", "low-threshold spiking interneuron (Fig. 8.25)",
         R07(100, 1, -56, -42, 40, 0.03, 8, -53, 20, NAN, 8, -INFINITY, -0.1, 0.04, 670, 0),
         -56, "step:onset=100,amp=150",
         "spike at v >= vpeak - 0.1 u; reset v = c + 0.04 u; u = min(u + d, 670)"),
    BOOK("FS", "fast spiking interneuron (Fig. 8.27)",
         R07(20, 1, -55, -40, 25, 0.2, 0, -45, 0, NAN, 0, -INFINITY, 0, 0, INFINITY, 0.025),
         -55, "step:onset=100,amp=100", "u' = a (U(v) - u), U = 0.025 (v + 55)^3 for v >= -55"),
    BOOK("TC", "thalamo-cortical relay (Fig. 8.31)",
         R07(200, 1.6, -60, -50, 35, 0.01, 0, -60, 10, -65, 15, -65, 0.1, -0.1, INFINITY, 0),
         -60, "step:onset=100,amp=100",
         "b = 15 for v <= -65 else 0; spike at v >= vpeak + 0.1 u; reset v = c - 0.1 u"),
    BOOK("RTN", "reticular thalamic nucleus (Fig. 8.32)",
         R07(40, 0.25, -65, -45, 0, 0.015, 2, -55, 50, NAN, 10, -65, 0, 0, INFINITY, 0),
         -65, "step:onset=100,amp=100", "b = 10 for v <= -65 else 2"),
};
_Static_assert(ST_COUNTOF(st_izh07_presets) == ST_IZH07_N_PRESETS,
               "update ST_IZH07_N_PRESETS");
