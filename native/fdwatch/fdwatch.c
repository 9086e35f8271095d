/*
 * fdwatch: calls a JavaScript function from the Node event loop while a
 * file descriptor is readable (libuv uv_poll, level-triggered), so that
 * sockets and devices opened outside Node (a raw GRE socket, a TUN device)
 * are read on readiness without a thread per wait. The reads themselves
 * are the caller's.
 *
 *   const w = watch(fd, (status) => { ... });  // status < 0: a libuv error
 *   close(w);                                   // stop; the fd stays open
 *
 * After close() the fd may be closed at once: uv_poll_stop removes it from
 * epoll before returning.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <uv.h>
#include <stdlib.h>

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int stopped;       /* close() was called (or the handle was collected) */
  int handle_closed; /* libuv has let go of the handle */
  int collected;     /* the JavaScript handle is gone */
} Watcher;

#define CHECK(env, call)                                   \
  do {                                                     \
    if ((call) != napi_ok) {                               \
      napi_throw_error((env), NULL, "fdwatch: " #call);    \
      return NULL;                                         \
    }                                                      \
  } while (0)

static void release(Watcher *w) {
  if (w->handle_closed && w->collected) free(w);
}

static void on_handle_closed(uv_handle_t *handle) {
  Watcher *w = (Watcher *)handle->data;
  w->handle_closed = 1;
  release(w);
}

static void stop(Watcher *w) {
  if (w->stopped) return;
  w->stopped = 1;
  uv_poll_stop(&w->poll);
  napi_delete_reference(w->env, w->callback);
  napi_async_destroy(w->env, w->context);
  uv_close((uv_handle_t *)&w->poll, on_handle_closed);
}

static void on_ready(uv_poll_t *poll, int status, int events) {
  (void)events;
  Watcher *w = (Watcher *)poll->data;
  if (w->stopped) return;
  napi_env env = w->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv, arg;
  if (napi_get_reference_value(env, w->callback, &fn) == napi_ok && napi_get_global(env, &recv) == napi_ok &&
      napi_create_int32(env, status, &arg) == napi_ok) {
    if (napi_make_callback(env, w->context, recv, fn, 1, &arg, NULL) == napi_pending_exception) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void on_collected(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Watcher *w = (Watcher *)data;
  stop(w);
  w->collected = 1;
  release(w);
}

static napi_value Watch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  napi_valuetype type;
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0 ||
      napi_typeof(env, argv[1], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, NULL, "watch(fd, callback): a file descriptor and a function");
    return NULL;
  }
  uv_loop_t *loop;
  CHECK(env, napi_get_uv_event_loop(env, &loop));
  Watcher *w = calloc(1, sizeof(Watcher));
  if (!w) {
    napi_throw_error(env, NULL, "fdwatch: out of memory");
    return NULL;
  }
  int rc = uv_poll_init(loop, &w->poll, fd);
  if (rc != 0) {
    free(w);
    napi_throw_error(env, NULL, uv_strerror(rc));
    return NULL;
  }
  w->poll.data = w;
  w->env = env;
  napi_value name, handle;
  if (napi_create_reference(env, argv[1], 1, &w->callback) != napi_ok ||
      napi_create_string_utf8(env, "fdwatch", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, NULL, name, &w->context) != napi_ok) {
    uv_close((uv_handle_t *)&w->poll, NULL);
    napi_throw_error(env, NULL, "fdwatch: cannot hold the callback");
    return NULL; /* w leaks: this cannot happen short of a broken runtime */
  }
  rc = uv_poll_start(&w->poll, UV_READABLE, on_ready);
  if (rc != 0) {
    stop(w);
    w->collected = 1; /* no JavaScript handle was made */
    napi_throw_error(env, NULL, uv_strerror(rc));
    return NULL;
  }
  CHECK(env, napi_create_external(env, w, on_collected, NULL, &handle));
  return handle;
}

static napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "close(watcher)");
    return NULL;
  }
  stop((Watcher *)data);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"watch", NULL, Watch, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, Close, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(env, napi_define_properties(env, exports, 2, props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
