/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `spiketalk devices`: the audio devices PortAudio sees, for --device and for live use. */
#include <string.h>

#include "cli.h"
#include "spiketalk/audio.h"
#include "spiketalk/output.h"

#define MAX_DEVICES 256

static void help(FILE *f)
{
    fputs("usage: spiketalk devices [--json]\n"
          "\n"
          "Lists the audio devices (through PortAudio): index, input and output channels,\n"
          "default sample rate, host API and name; '*' marks the default input and output.\n"
          "Give the index or a part of the name to 'spiketalk record --device'.\n"
          "\n"
          "  --json   one JSON object on stdout: count, devices [{index, name, host_api,\n"
          "           max_input_channels, max_output_channels, default_fs_hz,\n"
          "           is_default_input, is_default_output}]\n"
          "\n"
          "With no sound card the list is empty (exit status 0); audio files still work:\n"
          "  spiketalk process FILE\n",
          f);
}

static void print_json(const st_device_info *dev, size_t n)
{
    st_json j;
    st_json_init(&j, stdout);
    st_json_object_begin(&j, NULL);
    st_json_uint(&j, "count", n);
    st_json_array_begin(&j, "devices", false);
    for (size_t i = 0; i < n; i++) {
        st_json_object_begin(&j, NULL);
        st_json_number(&j, "index", dev[i].index);
        st_json_string(&j, "name", dev[i].name);
        st_json_string(&j, "host_api", dev[i].host_api);
        st_json_number(&j, "max_input_channels", dev[i].max_input_channels);
        st_json_number(&j, "max_output_channels", dev[i].max_output_channels);
        st_json_number(&j, "default_fs_hz", dev[i].default_fs_hz);
        st_json_bool(&j, "is_default_input", dev[i].is_default_input);
        st_json_bool(&j, "is_default_output", dev[i].is_default_output);
        st_json_object_end(&j);
    }
    st_json_array_end(&j);
    st_json_object_end(&j);
}

static void print_table(const st_device_info *dev, size_t n)
{
    if (n == 0) {
        puts("No audio devices found (no sound card here, or no permission to use one).\n"
             "To work on an audio file instead, run 'spiketalk process FILE'.");
        return;
    }
    int w = 8; /* the column is as wide as the longest host API name */
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(dev[i].host_api) > w)
            w = (int)strlen(dev[i].host_api);
    printf("%5s %4s %4s %9s  %-*s  %s\n", "index", "in", "out", "rate (Hz)", w, "host API",
           "name");
    for (size_t i = 0; i < n; i++) {
        const st_device_info *d = &dev[i];
        printf("%5d %3d%c %3d%c %9g  %-*s  %s\n", d->index, d->max_input_channels,
               d->is_default_input ? '*' : ' ', d->max_output_channels,
               d->is_default_output ? '*' : ' ', d->default_fs_hz, w, d->host_api, d->name);
    }
    puts("(* default input / output)");
}

int cmd_devices(int argc, char **argv)
{
    bool json = false;
    const cli_opt table[] = {{"--json", NULL, &json}};
    int rc = cli_parse(argc, argv, table, 1, "devices", help, NULL, NULL);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    static st_device_info dev[MAX_DEVICES];
    size_t n = 0;
    st_error err = {0};
    if (st_device_list(dev, MAX_DEVICES, &n, &err))
        return cli_report(&err);
    if (n > MAX_DEVICES)
        n = MAX_DEVICES;
    if (json)
        print_json(dev, n);
    else
        print_table(dev, n);
    return CLI_OK;
}
