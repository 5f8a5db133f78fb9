/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Playing a mono float signal on the default output device (PortAudio), in a worker thread. */
#pragma once

#include <gio/gio.h>

#include "spiketalk/status.h"

G_BEGIN_DECLS

/* Plays a copy of x[0..n) at fs_hz on the default playback device, in a thread. Cancel through
 * 'cancellable' to stop early. The callback runs on the calling thread's main context; get the
 * outcome there with spiketalk_playback_finish. */
void spiketalk_playback_play_async(const float *x, size_t n, double fs_hz,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer ud);

/* TRUE when the whole signal (or the part before a cancel) was played; FALSE with 'err' set
 * (ST_ERR_DEVICE: no playback device, or the stream failed). */
gboolean spiketalk_playback_finish(GAsyncResult *res, st_error *err);

G_END_DECLS
