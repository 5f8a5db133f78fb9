/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal helpers shared by the io modules (audio-device.c, live.c); not installed. */
#ifndef SPIKETALK_IO_PRIVATE_H
#define SPIKETALK_IO_PRIVATE_H

#include "spiketalk/status.h"

/* Pa_Initialize with file descriptor 2 silenced around it (ALSA and libjack print their probing
 * complaints there). ST_ERR_DEVICE "audio: PortAudio cannot start: why" on failure. */
st_status st_io_pa_start(st_error *err);

/* Pa_Terminate, quietly. */
void st_io_pa_stop(void);

/* Points descriptor 2 at /dev/null until st_io_quiet_end(saved); returns the saved descriptor
 * or -1 (nothing changed). Not thread-safe: others' messages in that window are lost too. */
int st_io_quiet_begin(void);
void st_io_quiet_end(int saved);

#endif
