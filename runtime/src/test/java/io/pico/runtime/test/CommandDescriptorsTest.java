package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;

/**
 * {@code help pico:X} describes every command and option: each method behind a {@code pico:} function of every
 * command component in the framework, and each of its parameters, carries a {@link Descriptor}.
 */
class CommandDescriptorsTest {

    @InjectBundleContext
    BundleContext context;

    @Test
    void everyPicoCommandAndParameterHasADescriptor() throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        ServiceReference<?>[] refs;
        // the shell bundle's two command components: pico:ps ... and pico:config
        while ((refs = context.getServiceReferences((String) null, "(osgi.command.scope=pico)")) == null
                || refs.length < 2) {
            assertTrue(System.nanoTime() < deadline, "the pico: command components did not register");
            Thread.sleep(20);
        }
        List<String> missing = new ArrayList<>();
        Set<String> checked = new TreeSet<>();
        for (ServiceReference<?> ref : refs) {
            Object service = context.getService(ref);
            try {
                Object functions = ref.getProperty("osgi.command.function");
                List<String> names = functions instanceof String[] a ? Arrays.asList(a) : List.of(functions.toString());
                for (String name : names) {
                    List<Method> methods = Arrays.stream(service.getClass().getMethods())
                            .filter(m -> m.getName().equals(name) && Modifier.isPublic(m.getModifiers())
                                    && m.getDeclaringClass() != Object.class)
                            .toList();
                    if (methods.isEmpty()) {
                        missing.add("pico:" + name + ": no public method");
                    }
                    for (Method m : methods) {
                        checked.add("pico:" + name + "/" + m.getParameterCount());
                        if (m.getAnnotation(Descriptor.class) == null) {
                            missing.add("pico:" + name + " " + Arrays.toString(m.getParameterTypes()));
                        }
                        for (Parameter p : m.getParameters()) {
                            Descriptor d = p.getAnnotation(Descriptor.class);
                            if (d == null || d.value().isBlank()) {
                                missing.add("pico:" + name + " parameter " + p);
                            }
                        }
                    }
                }
            } finally {
                context.ungetService(ref);
            }
        }
        assertEquals(List.of(), missing, "without @Descriptor");
        for (String command : List.of("pico:run/5", "pico:ps/0", "pico:kill/2", "pico:config/3", "pico:top/2")) {
            assertTrue(checked.contains(command), command + " was checked: " + checked);
        }
    }
}
