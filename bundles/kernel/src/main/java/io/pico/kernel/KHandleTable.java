package io.pico.kernel;

import io.pico.api.HandleTable;
import io.pico.api.IoObject;
import java.util.Map;
import java.util.TreeMap;

/** A process's kernel handles; the lowest free number is used first, so stdio becomes 0, 1 and 2. */
final class KHandleTable implements HandleTable {

    private final TreeMap<Integer, IoObject> handles = new TreeMap<>();

    @Override
    public synchronized int add(IoObject object) {
        object.retain();
        int n = 0;
        while (handles.containsKey(n)) {
            n++;
        }
        handles.put(n, object);
        return n;
    }

    @Override
    public synchronized IoObject get(int handle) {
        return handles.get(handle);
    }

    @Override
    public boolean close(int handle) {
        IoObject object;
        synchronized (this) {
            object = handles.remove(handle);
        }
        if (object == null) {
            return false;
        }
        object.release();
        return true;
    }

    @Override
    public synchronized Map<Integer, IoObject> all() {
        return new TreeMap<>(handles);
    }

    /** Gives another table the same objects under the same numbers (fork). */
    void copyInto(KHandleTable other) {
        Map<Integer, IoObject> all = all();
        synchronized (other) {
            all.forEach((n, o) -> other.handles.put(n, o.retain()));
        }
    }

    /** Releases every handle (the process has ended). */
    void closeAll() {
        Map<Integer, IoObject> all;
        synchronized (this) {
            all = new TreeMap<>(handles);
            handles.clear();
        }
        all.values().forEach(IoObject::release);
    }
}
