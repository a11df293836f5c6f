package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.Kernel;
import io.pico.api.KernelStatistics;
import io.pico.runtime.test.ReliabilityKit.Guest;
import io.pico.runtime.test.ReliabilityKit.Native;
import io.pico.runtime.test.ReliabilityKit.Run;
import io.pico.runtime.test.ReliabilityKit.Started;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.test.common.annotation.InjectService;

/**
 * Issue 10, point 6: load. Many {@code busybox sh} scripts at once on the machine's two cores, each with
 * pipelines (fork, pipes, wait), files in a directory of its own, sort, awk, md5sum, grep and wc: every
 * script's output must be exactly what the same script prints natively with the host's busybox. 50 scripts
 * by default (CI); the full run of 200:
 * {@code mvn -o verify -pl runtime -Dtest=io.pico.runtime.test.ReliabilityLoadTest -Dpico.load.scripts=200}
 * (or the environment variable PICO_LOAD_SCRIPTS=200).
 */
class ReliabilityLoadTest {

    static final int CI_SCRIPTS = 50;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    static int scripts() {
        String v = System.getProperty("pico.load.scripts");
        if (v == null || v.isBlank()) {
            v = System.getenv("PICO_LOAD_SCRIPTS");
        }
        return v == null || v.isBlank() ? CI_SCRIPTS : Integer.parseInt(v.trim());
    }

    /** The script: $1 is its number; it works in a directory of its own under /tmp and removes it. */
    static final String SCRIPT = """
            i=$1
            d=/tmp/w$i
            mkdir -p $d && cd $d || exit 9
            seq 1 $((100 + i)) > nums
            sort -rn nums | head -3 > top
            tr '\\n' ' ' < top; echo
            awk '{ s += $1 } END { print "sum", s }' nums
            echo "instance $i" | md5sum | cut -c1-12
            grep -c 7 nums | while read n; do echo "sevens $n"; done
            cat nums | wc -l
            for k in 1 2 3; do echo "$i-$k" >> log; done
            sort -r log | tr -d '\\n'; echo
            cd / && rm -r $d && echo "done $i"
            """;

    @Test
    void manyShellScriptsAtOnceAllPrintExactlyWhatTheyPrintNatively() throws Exception {
        int n = scripts();
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("tmp"));
        Files.copy(Path.of(ReliabilityKit.BUSYBOX), root.resolve("bin/busybox"));
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
        Files.writeString(root.resolve("script"), SCRIPT);
        Path nativeTmp = Files.createDirectories(dir.resolve("native"));
        Files.writeString(nativeTmp.resolve("script"), SCRIPT.replace("d=/tmp/w$i", "d=" + nativeTmp + "/w$i")
                .replace("cd / &&", "cd " + nativeTmp + " &&"));

        // what the scripts print natively (a few at a time)
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Native nat = ReliabilityKit.runNative(nativeTmp, ReliabilityKit.BUSYBOX, "sh",
                    nativeTmp.resolve("script").toString(), String.valueOf(i));
            assertEquals(0, nat.status(), nat::toString);
            expected.add(nat.out());
        }

        KernelStatistics before = ReliabilityKit.awaitBaseline(kernel, kernel.statistics());
        Map<String, String> env = Map.of("PATH", "/bin", "HOME", "/", "LC_ALL", "C");
        List<Started> running = new ArrayList<>();
        Set<Integer> pids = new HashSet<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < n; i++) {
                Started s = ReliabilityKit.start(kernel, Guest.of(root, "/bin/sh", "/script", String.valueOf(i))
                        .env(env));
                running.add(s);
                pids.add(s.process().pid());
            }
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Started s = running.get(i);
                long left = Math.max(1, TimeUnit.SECONDS.toMillis(60 + n) - TimeUnit.NANOSECONDS.toMillis(
                        System.nanoTime() - t0));
                Run r = ReliabilityKit.finish(kernel, s, left);
                if (r.shell() != 0 || !r.out().equals(expected.get(i))) {
                    wrong.add("script " + i + ": " + r + "\n  expected [" + expected.get(i) + "]");
                }
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            System.out.println("ReliabilityLoadTest: " + n + " concurrent busybox sh scripts in " + seconds + " s, "
                    + wrong.size() + " wrong");
            assertTrue(wrong.isEmpty(), () -> wrong.size() + " of " + n + " scripts printed something else:\n"
                    + String.join("\n", wrong.subList(0, Math.min(5, wrong.size()))));
        } finally {
            List<Integer> all = new ArrayList<>(pids);
            all.addAll(ReliabilityKit.descendants(kernel, pids));
            ReliabilityKit.killAll(kernel, all);
        }
        try (var left = Files.list(root.resolve("tmp"))) {
            assertEquals(List.of(), left.toList(), "every script removed its directory");
        }
        ReliabilityKit.assertBackToBaseline(kernel, before, n + " shell scripts");
    }
}
