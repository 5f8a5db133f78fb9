/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `spiketalk axon`: the propagated action potential on a Hodgkin-Huxley axon, and its velocity. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spiketalk/output.h"
#include "spiketalk/figure.h"
#include "spiketalk/plot.h"

#define MAX_AT ST_CABLE_MAX_PROBES
/* The space-time image keeps at most this many time columns and position rows. */
#define IMG_MAX_COLS 1500u
#define IMG_MAX_ROWS 800u
/* Points kept per probe trace for the plot (every k-th step beyond). */
#define PLOT_MAX 200000u
/* Above this step the velocity errs by more than ~2 % (README: convergence table). */
#define COARSE_DT_MS 0.05
/* The most compartment-steps a run may take: about ten minutes here; more is a mistyped flag. */
#define MAX_WORK 1e10
/* Beyond this (uA/cm^2 in the first compartment) a stimulus is outside any membrane's range. */
#define HUGE_CURRENT 1e6

typedef struct opts {
    const char *diameter, *length, *ra, *temperature, *dx, *compartments, *dt;
    const char *stimulus, *duration, *scheme, *trace, *plot, *at, *max_memory;
    bool json;
} opts;

/* What the run records for the outputs. */
typedef struct rec {
    size_t n_at;
    double at_mm[MAX_AT];
    st_cable_probe pr[MAX_AT];
    FILE *trace;
    st_cable_record record;   /* for the plot */
    const char *trace_path;
    cli_progress progress;
    bool plot;
} rec;

/* ---- help ------------------------------------------------------------------------------------ */

static void help(FILE *f)
{
    st_cable_config d = st_cable_config_default();
    fprintf(f,
        "usage: spiketalk axon [--diameter-um D] [--length-mm L] [--ra OHM_CM]\n"
        "                      [--temperature C] [--dx-um DX | --compartments N] [--dt MS]\n"
        "                      [--stimulus UA[,MS]] [--duration MS] [--scheme cn|be]\n"
        "                      [--trace F.csv] [--at MM[,MM...]] [--plot F] [--json]\n"
        "\n"
        "A uniform unmyelinated axon with the Hodgkin-Huxley membrane of 'spiketalk hh'\n"
        "(NEURON's 'hh' parameters), sealed at both ends, shocked at x = 0: the propagated\n"
        "action potential and its conduction velocity. With no options it runs the 1952\n"
        "benchmark, the squid giant axon of Hodgkin and Huxley (diameter 476 um, Ra 35.4\n"
        "Ohm cm, 18.5 degrees C), for which they computed 18.8 m/s (measured: 21.2 m/s).\n"
        "\n"
        "    Cm dv/dt = d/(4 Ra) d2v/dx2 - I_ion(v, m, h, n) + I_stim\n"
        "\n"
        "Numerics: N compartments of length dx (centres at (i + 1/2) dx); the gates are\n"
        "staggered half a step from v and stepped exactly with their rates frozen; v is\n"
        "implicit, one tridiagonal (Thomas) solve per step: Crank-Nicolson (cn, second order\n"
        "in dt and dx) or backward Euler (be, first order in dt). Stable for any dt; the\n"
        "accuracy is what --dt and --dx-um buy (README: convergence table).\n"
        "\n"
        "Options (defaults in brackets):\n"
        "  --diameter-um D     axon diameter, um [%g]\n"
        "  --length-mm L       axon length, mm [%g]\n"
        "  --ra OHM_CM         axial resistivity, Ohm cm [%g]\n"
        "  --temperature C     degrees Celsius [%g]; rates x 3^((T - 6.3)/10); %g to %g\n"
        "                      accepted, a warning beyond %g (and below 0)\n"
        "  --dx-um DX          compartment length, um [%g]: N = round(L / DX) compartments,\n"
        "                      then dx = L / N exactly; at most the axon's length\n"
        "  --compartments N    instead of --dx-um\n"
        "  --dt MS             time step [%g]\n"
        "  --stimulus UA[,MS]  current pulse into the x = 0 end: UA microamperes during the\n"
        "                      steps that start before MS ms (charge UA x MS) [%g,%g]\n"
        "  --duration MS       simulated time [%g]\n"
        "  --scheme cn|be      Crank-Nicolson or backward Euler [cn]\n"
        "\n"
        "What is measured (JSON keys):\n"
        "  velocity_m_s        (3L/4 - L/4) / (t(3L/4) - t(L/4)), t the first upward 0 mV\n"
        "                      crossing, interpolated in time between steps and in x between\n"
        "                      compartment centres; null if the spike does not get there\n"
        "  peak_mv, width_ms   the first spike at L/2: its peak, and its full width at half\n"
        "                      amplitude (half way from the resting potential to the peak)\n"
        "\n"
        "Outputs (each checked before the run; files are written whole or not at all):\n"
        "  --trace FILE.csv    t_ms and v at each --at position (v_12.5mm, ...), every step\n"
        "  --at MM[,MM...]     trace positions, mm, up to %d [L/4, L/2, 3L/4]\n"
        "  --plot FILE         .png, .svg or .pdf: the space-time image v(x, t) (the spike is\n"
        "                      a straight band whose slope is the velocity), profiles v(x) at\n"
        "                      four moments, and v(t) at the --at positions\n"
        "  --json              one JSON object on stdout: settings and measurements\n"
        "\n"
        "Examples:\n"
        "  spiketalk axon                                  # the 1952 benchmark\n"
        "  spiketalk axon --plot axon.png\n"
        "  spiketalk axon --dx-um 50 --dt 0.005 --json     # a finer grid\n"
        "  spiketalk axon --temperature 6.3 --duration 10  # slower at the cold squid's 6.3 C\n"
        "  spiketalk axon --diameter-um 1 --length-mm 2 --dx-um 10 --duration 5 \\\n"
        "                 --stimulus 0.001,0.5               # a 1 um fibre: ~0.86 m/s\n",
        d.cable.diameter_um, d.cable.length_mm, d.cable.ra_ohm_cm, d.cable.hh.temperature_c,
        ST_HH_TEMP_MIN_C, ST_HH_TEMP_MAX_C, ST_HH_TEMP_WARN_C,
        d.cable.length_mm * 1000.0 / (double)d.cable.compartments, d.dt_ms, d.stim_ua,
        d.stim_ms, d.duration_ms, MAX_AT);
}

/* ---- arguments ------------------------------------------------------------------------------- */

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    const cli_opt table[] = {
        {"--diameter-um", &o->diameter, NULL}, {"--length-mm", &o->length, NULL},
        {"--ra", &o->ra, NULL},                {"--temperature", &o->temperature, NULL},
        {"--dx-um", &o->dx, NULL},             {"--compartments", &o->compartments, NULL},
        {"--dt", &o->dt, NULL},                {"--stimulus", &o->stimulus, NULL},
        {"--duration", &o->duration, NULL},    {"--scheme", &o->scheme, NULL},
        {"--trace", &o->trace, NULL},          {"--plot", &o->plot, NULL},
        {"--at", &o->at, NULL},                {"--max-memory", &o->max_memory, NULL},
        {"--json", NULL, &o->json}};
    return cli_parse(argc, argv, table, sizeof table / sizeof table[0], "axon", help, NULL,
                     NULL);
}

/* Splits "A,B,..." (the whole text) into at most 'max' finite numbers; returns how many, or -1
 * after an error. */
static int number_list(const char *flag, const char *text, double *x, int max)
{
    return cli_numbers(flag, text, ',', x, (size_t)max);
}

/* The compartments: from --compartments, or --dx-um against the length. */
static int grid(const opts *o, st_cable_config *c)
{
    if (o->dx && o->compartments) {
        cli_error("--dx-um and --compartments: give one of them");
        return CLI_USAGE;
    }
    double x;
    if (o->compartments) {
        if (!cli_number("--compartments", o->compartments, &x))
            return CLI_USAGE;
        /* at least ST_CABLE_MIN_COMPARTMENTS: the velocity is measured from L/4 to 3L/4 */
        if (!(x >= ST_CABLE_MIN_COMPARTMENTS && x <= ST_CABLE_MAX_COMPARTMENTS) || x != floor(x)) {
            cli_error("--compartments: must be a whole number from %u to %u (got %g)",
                      ST_CABLE_MIN_COMPARTMENTS, ST_CABLE_MAX_COMPARTMENTS, x);
            return CLI_USAGE;
        }
        c->cable.compartments = (size_t)x;
    } else if (o->dx) {
        double len_um = c->cable.length_mm * 1000.0;
        if (!cli_number("--dx-um", o->dx, &x))
            return CLI_USAGE;
        if (!(x > 0)) {
            cli_error("--dx-um: must be a finite number > 0 um (got %g)", x);
            return CLI_USAGE;
        }
        if (x > len_um) {
            cli_error("--dx-um: %g um is longer than the axon (%g um)", x, len_um);
            return CLI_USAGE;
        }
        double n = round(len_um / x);
        if (n > ST_CABLE_MAX_COMPARTMENTS) {
            cli_error("--dx-um: %g um gives %.0f compartments; at most %u", x, n,
                      ST_CABLE_MAX_COMPARTMENTS);
            return CLI_USAGE;
        }
        c->cable.compartments = (size_t)fmax(n, 1.0);
    } else {
        /* keep the default dx (100 um) when only the length changes - or say why it cannot */
        double n = round(c->cable.length_mm * 10.0);
        if (n > ST_CABLE_MAX_COMPARTMENTS) {
            cli_error("--length-mm: %g mm at the default dx of 100 um is more than %u "
                      "compartments (give --dx-um or --compartments, or a shorter axon)",
                      c->cable.length_mm, ST_CABLE_MAX_COMPARTMENTS);
            return CLI_USAGE;
        }
        c->cable.compartments = (size_t)fmax(n, (double)ST_CABLE_MIN_COMPARTMENTS);
    }
    return CLI_OK;
}

/* Numbers the cable equation can use: the axial coupling and the stimulus density finite and
 * not lost to 0, and the run within MAX_WORK compartment-steps. */
static int check_size(const opts *o, const st_cable_config *c)
{
    double d_cm = c->cable.diameter_um * 1e-4;
    double dx_cm = c->cable.length_mm * 0.1 / (double)c->cable.compartments;
    double coupling = 1000.0 * d_cm / (4.0 * c->cable.ra_ohm_cm * dx_cm * dx_cm);
    double density = c->stim_ua / (3.14159265358979323846 * d_cm * dx_cm);
    if (!isfinite(coupling) || coupling == 0.0) {
        /* name the flag the user gave, with every number that made it */
        const char *flag = o->length ? "--length-mm" : o->diameter ? "--diameter-um"
                           : o->ra ? "--ra" : o->dx ? "--dx-um" : "--compartments";
        cli_error("%s: a %g um thick, %g mm long axon in %zu compartments (dx %g um) with --ra "
                  "%g Ohm cm has an axial coupling of %g mS/cm^2, which no computation can use",
                  flag, c->cable.diameter_um, c->cable.length_mm, c->cable.compartments,
                  dx_cm * 1e4, c->cable.ra_ohm_cm, coupling);
        return CLI_USAGE;
    }
    if (!isfinite(density)) {
        cli_error("--stimulus: %g uA into a compartment of %g um by %g um is %g uA/cm^2, beyond "
                  "any number", c->stim_ua, c->cable.diameter_um, dx_cm * 1e4, density);
        return CLI_USAGE;
    }
    double work = (double)c->cable.compartments * (c->duration_ms / c->dt_ms);
    if (!(work <= MAX_WORK)) {
        const char *flag = o->dt ? "--dt" : o->duration ? "--duration" : "--length-mm";
        cli_error("%s: %zu compartments for %g ms at --dt %g ms are %.3g compartment-steps; a run "
                  "may take at most %.0e (use a coarser grid, a larger --dt or a shorter "
                  "--duration)",
                  flag, c->cable.compartments, c->duration_ms, c->dt_ms, work, MAX_WORK);
        return CLI_USAGE;
    }
    return CLI_OK;
}

static int build_config(const opts *o, st_cable_config *c, rec *r)
{
    st_error err = {0};
    *c = st_cable_config_default();
    const struct { const char *flag, *text; double *dst; } num[] = {
        {"--diameter-um", o->diameter, &c->cable.diameter_um},
        {"--length-mm", o->length, &c->cable.length_mm},
        {"--ra", o->ra, &c->cable.ra_ohm_cm},
        {"--temperature", o->temperature, &c->cable.hh.temperature_c},
        {"--dt", o->dt, &c->dt_ms},
        {"--duration", o->duration, &c->duration_ms}};
    for (size_t i = 0; i < sizeof num / sizeof num[0]; i++)
        if (num[i].text && !cli_number(num[i].flag, num[i].text, num[i].dst))
            return CLI_USAGE;
    /* the geometry first, so that --dx-um is judged against a valid length */
    if (st_cable_check(&c->cable, &err))
        return cli_report(&err);
    int rc = grid(o, c);
    if (rc)
        return rc;
    if (o->stimulus) {
        double s[2] = {0.0, c->stim_ms};
        if (number_list("--stimulus", o->stimulus, s, 2) < 0)
            return CLI_USAGE;
        c->stim_ua = s[0];
        c->stim_ms = s[1];
    }
    if (o->scheme && st_cable_scheme_parse(o->scheme, &c->scheme, &err))
        return cli_report(&err);
    if (st_cable_config_check(c, &err))
        return cli_report(&err);
    if ((rc = check_size(o, c)))
        return rc;
    double len = c->cable.length_mm;
    r->n_at = 3;
    for (int k = 0; k < 3; k++)
        r->at_mm[k] = len * (k + 1) / 4.0;
    if (o->at) {
        int n = number_list("--at", o->at, r->at_mm, MAX_AT);
        if (n < 0)
            return CLI_USAGE;
        r->n_at = (size_t)n;
        for (int k = 0; k < n; k++) {
            if (!(r->at_mm[k] >= 0 && r->at_mm[k] <= len)) {
                cli_error("--at: %g mm lies outside the axon (0 to %g mm)", r->at_mm[k], len);
                return CLI_USAGE;
            }
        }
    }
    return CLI_OK;
}

/* ---- recording ------------------------------------------------------------------------------- */

static int on_step(void *ud, uint64_t j, const st_cable *c, st_error *err)
{
    rec *r = ud;
    if (j % 64 == 0)
        cli_progress_update(&r->progress, (double)j);
    if (j == 0)
        for (size_t k = 0; k < r->n_at; k++)
            r->pr[k] = st_cable_probe_at(c, r->at_mm[k]);
    if (r->trace) {
        double row[MAX_AT + 1];
        row[0] = (double)j * c->dt_ms;
        for (size_t k = 0; k < r->n_at; k++)
            row[k + 1] = st_cable_probe_v(c, &r->pr[k]);
        st_csv_row(r->trace, row, r->n_at + 1);
        if (ferror(r->trace)) /* a full disk stops the run now */
            return st_error_set(err, ST_ERR_IO, "%s: write failed: %s", r->trace_path,
                                strerror(errno)) != ST_OK;
    }
    return r->plot ? st_cable_record_step(&r->record, j, c, err) : 0;
}

/* ---- the plot -------------------------------------------------------------------------------- */

static int write_plot(const char *path, const st_cable_config *c, const rec *r,
                      const st_cable_result *res)
{
    st_figure *f = NULL;
    st_error err = {0};
    st_status built = st_figure_axon(c, res, &r->record, NAN, &f, &err);
    return cli_save_figure(built, f, path, &err);
}

/* ---- results --------------------------------------------------------------------------------- */

static void print_json(const opts *o, const st_cable_config *c, const st_cable_result *res)
{
    st_json j;
    st_json_init(&j, stdout);
    st_json_object_begin(&j, NULL);
    st_json_string(&j, "model", "hh-cable");
    st_json_number(&j, "diameter_um", c->cable.diameter_um);
    st_json_number(&j, "length_mm", c->cable.length_mm);
    st_json_number(&j, "ra_ohm_cm", c->cable.ra_ohm_cm);
    st_json_number(&j, "temperature_c", c->cable.hh.temperature_c);
    st_json_uint(&j, "compartments", c->cable.compartments);
    st_json_number(&j, "dx_um", c->cable.length_mm * 1000.0 / (double)c->cable.compartments);
    st_json_number(&j, "dt_ms", c->dt_ms);
    st_json_number(&j, "duration_ms", c->duration_ms);
    st_json_uint(&j, "steps", res->steps);
    st_json_string(&j, "scheme", st_cable_scheme_name(c->scheme));
    st_json_number(&j, "stimulus_ua", c->stim_ua);
    st_json_number(&j, "stimulus_ms", c->stim_ms);
    st_json_bool(&j, "conducted", res->conducted);
    st_json_number(&j, "velocity_m_s", res->velocity_m_s);
    st_json_number(&j, "rest_mv", res->rest_mv);
    st_json_number(&j, "peak_mv", res->peak_mv);
    st_json_number(&j, "width_ms", res->width_ms);
    st_json_number(&j, "shape_x_mm", res->x_mm[1]);
    st_json_array_begin(&j, "points", false);
    for (int k = 0; k < 3; k++) {
        st_json_object_begin(&j, NULL);
        st_json_number(&j, "x_mm", res->x_mm[k]);
        st_json_array_begin(&j, "spike_times_ms", true);
        if (!isnan(res->t_cross_ms[k]))
            st_json_number(&j, NULL, res->t_cross_ms[k]);
        st_json_array_end(&j);
        st_json_object_end(&j);
    }
    st_json_array_end(&j);
    st_json_object_begin(&j, "files");
    st_json_string(&j, "trace", o->trace);
    st_json_string(&j, "plot", o->plot);
    st_json_object_end(&j);
    st_json_object_end(&j);
}

static void print_text(const opts *o, const st_cable_config *c, const st_cable_result *res)
{
    if (res->conducted)
        printf("axon: conduction velocity %.3f m/s (x = %g to %g mm); spike at x = %g mm: "
               "peak %.1f mV, width %.3f ms at half amplitude\n",
               res->velocity_m_s, res->x_mm[0], res->x_mm[2], res->x_mm[1], res->peak_mv,
               res->width_ms);
    else
        printf("axon: no propagated spike reached x = %g mm within %g ms (a weak --stimulus, "
               "a conduction block, or too short a --duration)\n",
               res->x_mm[2], c->duration_ms);
    printf("   (d %g um, L %g mm, Ra %g Ohm cm, %g degrees C, %zu compartments of %.4g um, "
           "%s, dt %g ms, stimulus %g uA for %g ms)\n",
           c->cable.diameter_um, c->cable.length_mm, c->cable.ra_ohm_cm,
           c->cable.hh.temperature_c, c->cable.compartments,
           c->cable.length_mm * 1000.0 / (double)c->cable.compartments,
           st_cable_scheme_name(c->scheme), c->dt_ms, c->stim_ua, c->stim_ms);
    if (o->trace)
        printf("wrote trace %s\n", o->trace);
    if (o->plot)
        printf("wrote plot %s\n", o->plot);
}

/* ---- the command ----------------------------------------------------------------------------- */

/* A blow-up under a stimulus far outside any membrane's range is the stimulus's fault. */
static int report_fault(const st_cable_config *c, st_error *err)
{
    double d_cm = c->cable.diameter_um * 1e-4;
    double dx_cm = c->cable.length_mm * 0.1 / (double)c->cable.compartments;
    double density = c->stim_ua / (3.14159265358979323846 * d_cm * dx_cm);
    if (err->code == ST_ERR_NUMERIC && fabs(density) > HUGE_CURRENT)
        st_error_set(err, ST_ERR_NUMERIC,
                     "axon: v is not finite: the --stimulus of %g uA is %g uA/cm^2 in the first "
                     "compartment, far outside what the membrane can follow; use a smaller "
                     "--stimulus (a smaller --dt will not help)",
                     c->stim_ua, density);
    return cli_report(err);
}

static int run(const opts *o, const st_cable_config *c, rec *r)
{
    st_error err = {0};
    st_cable_result res;
    int rc = CLI_OK;
    r->plot = o->plot != NULL;
    if (r->plot && st_cable_record_init(&r->record, c, r->at_mm, r->n_at, IMG_MAX_COLS,
                                        IMG_MAX_ROWS, PLOT_MAX, &err))
        return cli_report(&err);
    if (o->trace) {
        if (!(r->trace = cli_outputs_open(o->trace)))
            return CLI_FAIL;
        r->trace_path = o->trace;
        fputs("t_ms", r->trace);
        for (size_t k = 0; k < r->n_at; k++)
            fprintf(r->trace, ",v_%gmm", r->at_mm[k]);
        fputc('\n', r->trace);
    }
    cli_progress_start(&r->progress, "axon", "steps", c->duration_ms / c->dt_ms, false);
    bool record = o->trace || o->plot || r->progress.enabled;
    if (st_cable_run(c, record ? on_step : NULL, r, &res, &err))
        rc = report_fault(c, &err);
    cli_progress_end(&r->progress);
    if (!rc && o->plot)
        rc = write_plot(o->plot, c, r, &res);
    if (!rc)
        rc = cli_outputs_commit(); /* the trace and the plot, or neither */
    if (!rc) {
        if (o->json)
            print_json(o, c, &res);
        else
            print_text(o, c, &res);
    }
    return rc;
}

int cmd_axon(int argc, char **argv)
{
    opts o;
    st_cable_config c;
    rec r;
    memset(&r, 0, sizeof r);
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (o.max_memory && (rc = cli_memory_option(o.max_memory)))
        return rc;
    if ((rc = build_config(&o, &c, &r)))
        return rc;
    double t_c = c.cable.hh.temperature_c;
    if (t_c > ST_HH_TEMP_WARN_C || t_c < 0.0)
        fprintf(stderr,
                "spiketalk: warning: --temperature %g degrees C is outside any physiological "
                "range; the rates are %.3g times those at 6.3 degrees C\n",
                t_c, c.cable.hh.derived.phi);
    if (c.dt_ms > COARSE_DT_MS)
        fprintf(stderr,
                "spiketalk: warning: --dt %g ms is coarse for a spike that rises in a few "
                "tenths of a ms; the velocity may be off by several %% (README: convergence "
                "table)\n",
                c.dt_ms);
    double steps = c.duration_ms / c.dt_ms, n = (double)c.cable.compartments;
    /* the cable's six arrays; with a plot the image and the probe traces too */
    double memory = (1 << 20) + 6.0 * 8.0 * n;
    if (o.plot)
        memory += 8.0 * (fmin(steps + 1, IMG_MAX_COLS + 1.0) * fmin(n, IMG_MAX_ROWS) +
                         (MAX_AT + 1.0) * fmin(steps + 1, PLOT_MAX + 1.0));
    if ((rc = cli_memory_check(o.length ? "--length-mm" : "axon", "the run", (uint64_t)memory)) ||
        (rc = cli_outputs_add("--trace", o.trace, CLI_OUT_FILE,
                              cli_csv_bytes(o.trace ? steps + 2 : 0, (unsigned)r.n_at + 1))) ||
        (rc = cli_outputs_add("--plot", o.plot, CLI_OUT_PLOT, 0)) ||
        (rc = cli_outputs_check_space()))
        return rc;
    rc = run(&o, &c, &r);
    st_cable_record_free(&r.record);
    return rc;
}
