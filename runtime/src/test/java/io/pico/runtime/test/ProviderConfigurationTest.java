package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.Kernel;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The personalities' and the launcher's settings from Configuration Admin (PIDs io.pico.linux, io.pico.posix,
 * io.pico.os2, io.pico.shell), changed the way Felix's cm commands do: the next process sees them, no restart.
 */
class ProviderConfigurationTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    org.osgi.service.metatype.MetaTypeService metaType;

    @TempDir
    Path tmp;

    private TestConfigs configs;

    /** Sets a configuration and waits until every component of the PID carries the values (DS applied them). */
    private void configure(String pid, Map<String, Object> values) throws Exception {
        if (configs == null) {
            configs = new TestConfigs(configAdmin, context);
        }
        configs.set(pid, values);
    }

    @AfterEach
    void deleteConfigurations() throws Exception {
        if (configs != null) {
            configs.deleteAll();
        }
    }

    record Run(int status, String out, String err) {
    }

    /** Runs a program through the launcher service (./pico run's way); root null: the request names none. */
    @SuppressWarnings("unchecked")
    private Run launch(Path root, Map<String, String> env, String... argv) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, Object> request = new HashMap<>();
        request.put("argv", List.of(argv));
        if (root != null) {
            request.put("root", root.toString());
        }
        request.put("cwd", "/");
        request.put("env", env);
        request.put("signals", new LinkedBlockingQueue<String>());
        request.put("stdin", InputStream.nullInputStream());
        request.put("stdout", out);
        request.put("stderr", err);
        Object status = ((Function<Object, Object>) launcher).apply(request);
        return new Run((Integer) status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A guest root holding busybox alone. */
    private Path busyboxRoot() throws Exception {
        LinuxTestSupport.require("/bin/busybox");
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("mnt"));
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        return root;
    }

    @Test
    void aMountShowsTheHostDirectoryAndNothingElseReadOnlyWhenAsked() throws Exception {
        Path root = busyboxRoot();
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("note.txt"), "from the host\n");
        Files.createSymbolicLink(data.resolve("escape"), Path.of("/etc"));
        Run before = launch(root, Map.of(), "/bin/busybox", "ls", "/mnt/data");
        assertNotEquals(0, before.status(), "no mount without the configuration: " + before);

        configure("io.pico.linux", Map.of("mounts", new String[] {data + ":/mnt/data:ro"}));
        Run r = launch(root, Map.of(), "/bin/busybox", "sh", "-c",
                "ls /; ls /mnt/data; cat /mnt/data/note.txt; cat /mnt/data/../../etc/passwd /mnt/data/escape/passwd;"
                        + " echo x > /mnt/data/new && echo wrote");
        assertEquals("bin\nmnt\nescape\nnote.txt\nfrom the host\n", r.out(), r.toString());
        assertTrue(r.err().contains("/mnt/data/../../etc/passwd': No such file or directory"), r.err());
        assertTrue(r.err().contains("/mnt/data/escape/passwd': No such file or directory"), "a link out of the "
                + "mount stays in the guest's file system: " + r.err());
        assertTrue(r.err().contains("Read-only file system"), r.err());
        assertFalse(Files.exists(data.resolve("new")));

        configure("io.pico.linux", Map.of("mounts", new String[] {data + ":/mnt/data"}));
        Run rw = launch(root, Map.of(), "/bin/busybox", "sh", "-c", "echo x > /mnt/data/new && echo wrote");
        assertEquals("wrote\n", rw.out(), rw.toString());
        assertEquals("x\n", Files.readString(data.resolve("new")));
    }

    @Test
    void theConfiguredEnvironmentIsAddedAndOverridesTheLaunchers() throws Exception {
        configure("io.pico.linux", Map.of("env", new String[] {"PICO_ADDED=1", "PICO_REPLACED=config"}));
        Run r = launch(Path.of("/"), Map.of("PICO_REPLACED", "launch", "KEPT", "yes"),
                "/bin/busybox", "sh", "-c", "echo $PICO_ADDED $PICO_REPLACED $KEPT");
        assertEquals("1 config yes\n", r.out(), r.toString());
    }

    @Test
    void traceOnTracesEveryNewProcessIntoTheTraceFile() throws Exception {
        Path file = tmp.resolve("trace.txt");
        configure("io.pico.linux", Map.of("trace", "true", "traceFile", file.toString()));
        assertEquals(0, launch(Path.of("/"), Map.of(), "/bin/busybox", "true").status());
        String trace = Files.readString(file);
        assertTrue(trace.contains("exit_group(0)"), trace);
        configure("io.pico.linux", Map.of("trace", "false", "traceFile", file.toString()));
        long size = Files.size(file);
        assertEquals(0, launch(Path.of("/"), Map.of(), "/bin/busybox", "true").status());
        assertEquals(size, Files.size(file), "trace off: nothing more");
    }

    @Test
    void theShellsRootIsTheDefaultOfLaunchesThatNameNone() throws Exception {
        Path root = busyboxRoot();
        Files.writeString(root.resolve("only-here"), "");
        configure("io.pico.shell", Map.of("root", root.toString()));
        Run r = launch(null, Map.of(), "/bin/busybox", "ls", "/");
        assertEquals("bin\nmnt\nonly-here\n", r.out(), r.toString());
        Run explicit = launch(Path.of("/"), Map.of(), "/bin/busybox", "test", "-e", "/only-here");
        assertEquals(1, explicit.status(), "a launch's root overrides the configured one");
    }

    @Test
    void posixAndOs2TakeTheirEnvironmentAndTraceFromTheirConfigurations() throws Exception {
        Path corpus = Path.of(System.getProperty("pico.corpus", "/work/shared/corpus"));
        Path hello = corpus.resolve("freebsd/bin/x8664_hello_static");
        Path testargv = corpus.resolve("os2/2ine/testargv.exe");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(hello) && Files.exists(testargv),
                "the shared corpus is not on this machine");
        Path file = tmp.resolve("posix-trace.txt");
        configure("io.pico.posix", Map.of("trace", "true", "traceFile", file.toString()));
        Run posix = launch(Path.of("/"), Map.of(), hello.toString());
        assertEquals(0, posix.status(), posix.toString());
        assertTrue(Files.size(file) > 0, "the POSIX process was traced");

        configure("io.pico.os2", Map.of("env", new String[] {"PICO_OS2=configured"}));
        Run os2 = launch(Path.of("/"), Map.of(), testargv.toString());
        assertEquals(0, os2.status(), os2.toString());
        assertTrue(os2.out().contains("PICO_OS2=configured"), os2.out());
    }

    /** Each PID has a metatype description naming its attributes (what the Web Console's configuration page shows). */
    @Test
    void everyPidHasAMetatypeDescription() {
        Map<String, List<String>> expected = Map.of(
                "io.pico.provider.linux", List.of("io.pico.linux", "mounts", "env", "trace", "traceFile"),
                "io.pico.provider.posix", List.of("io.pico.posix", "mounts", "env", "trace", "traceFile"),
                "io.pico.provider.os2", List.of("io.pico.os2", "drives", "env", "trace", "traceFile"),
                "io.pico.shell", List.of("io.pico.shell", "root"),
                "io.pico.kernel", List.of("io.pico.kernel", "memoryLimitMB", "maxProcesses", "netPolicy"));
        expected.forEach((bsn, pidAndAttributes) -> {
            org.osgi.framework.Bundle bundle = Arrays.stream(context.getBundles())
                    .filter(b -> b.getSymbolicName().equals(bsn)).findFirst().orElseThrow();
            org.osgi.service.metatype.ObjectClassDefinition ocd = metaType.getMetaTypeInformation(bundle)
                    .getObjectClassDefinition(pidAndAttributes.get(0), null);
            List<String> ids = Arrays.stream(ocd.getAttributeDefinitions(
                    org.osgi.service.metatype.ObjectClassDefinition.ALL)).map(a -> a.getID()).toList();
            assertTrue(ids.containsAll(pidAndAttributes.subList(1, pidAndAttributes.size())), bsn + ": " + ids);
            assertFalse(ocd.getDescription().isBlank(), bsn);
        });
    }
}
