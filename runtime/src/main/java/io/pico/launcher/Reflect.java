package io.pico.launcher;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Calls methods of objects whose classes live inside the framework (Gogo's CommandProcessor and its sessions):
 * the launcher shares only JDK classes with the bundles, so it finds the method by name and JDK parameter
 * types on a public class or interface of the object.
 */
final class Reflect {

    private Reflect() {
    }

    /**
     * Calls the public method; an exception thrown by the method itself arrives as
     * {@link InvocationTargetException}.
     */
    static Object call(Object target, String name, Class<?>[] types, Object... args)
            throws InvocationTargetException, NoSuchMethodException, IllegalAccessException {
        return find(target.getClass(), name, types).invoke(target, args);
    }

    static Method find(Class<?> type, String name, Class<?>[] types) throws NoSuchMethodException {
        Deque<Class<?>> todo = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        todo.add(type);
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (!seen.add(c)) {
                continue;
            }
            if (Modifier.isPublic(c.getModifiers())) {
                try {
                    Method m = c.getMethod(name, types);
                    if (Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
                        return m;
                    }
                } catch (NoSuchMethodException e) {
                    // look further up
                }
            }
            if (c.getSuperclass() != null) {
                todo.add(c.getSuperclass());
            }
            todo.addAll(java.util.List.of(c.getInterfaces()));
        }
        throw new NoSuchMethodException(type.getName() + "." + name);
    }
}
