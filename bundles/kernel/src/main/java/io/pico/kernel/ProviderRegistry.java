package io.pico.kernel;

import io.pico.api.Image;
import io.pico.api.Provider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The providers the kernel tracks, keyed by personality. Callers look the current provider up on every
 * call and never keep it: a provider replaced or gone between two calls is simply not found again.
 * Threads whose provider is missing wait here, suspended, until one comes.
 */
final class ProviderRegistry {

    /** A registered provider with what the kernel needs to rank and describe it. */
    record Entry(Provider provider, String personality, long serviceId, int ranking, String bundle,
            String version) {
    }

    private final Map<String, List<Entry>> byPersonality = new HashMap<>();
    private final Map<Long, Entry> byId = new java.util.concurrent.ConcurrentHashMap<>();

    synchronized void add(Entry entry) {
        List<Entry> list = byPersonality.computeIfAbsent(entry.personality(), k -> new ArrayList<>());
        list.add(entry);
        // highest ranking first; among equals the newest, so that a newly installed version is the target
        list.sort(Comparator.comparingInt(Entry::ranking).reversed()
                .thenComparing(Comparator.comparingLong(Entry::serviceId).reversed()));
        byId.put(entry.serviceId(), entry);
        notifyAll();
    }

    /** The provider entry with this service id, if it is still registered; cheap enough for every call. */
    Entry byId(long serviceId) {
        return byId.get(serviceId);
    }

    /** Waits until a provider is added or the time passes. */
    synchronized void awaitChange(long millis) throws InterruptedException {
        wait(millis);
    }

    /**
     * Takes a leaving provider out of the ranking (no longer current, claims no image) while its processes
     * still find it by id: the calls they are in finish, and processes that end meanwhile are reported to it.
     */
    synchronized void retire(long serviceId) {
        byPersonality.values().forEach(list -> list.removeIf(e -> e.serviceId() == serviceId));
        byPersonality.values().removeIf(List::isEmpty);
    }

    synchronized void remove(long serviceId) {
        byId.remove(serviceId);
        byPersonality.values().forEach(list -> list.removeIf(e -> e.serviceId() == serviceId));
        byPersonality.values().removeIf(List::isEmpty);
    }

    /** The current provider of a personality, if one is registered. */
    synchronized Optional<Entry> current(String personality) {
        List<Entry> list = byPersonality.get(personality);
        return list == null || list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    /**
     * The provider that claims the image: first by its bytes (personalities in name order), then, when
     * none does, by its file name.
     */
    Optional<Entry> claim(Image image) {
        List<Entry> all = all();
        for (Entry e : all) {
            if (e.provider().claims(image)) {
                return Optional.of(e);
            }
        }
        for (Entry e : all) {
            if (e.provider().claimsByName(image)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * Every provider: for each personality (by name) the current one first, then the ones it shadows in
     * ranking order.
     */
    synchronized List<Entry> everyProvider() {
        List<Entry> result = new ArrayList<>();
        byPersonality.keySet().stream().sorted().forEach(p -> result.addAll(byPersonality.get(p)));
        return result;
    }

    /** The current provider of each personality, by personality name. */
    synchronized List<Entry> all() {
        List<Entry> result = new ArrayList<>();
        byPersonality.keySet().stream().sorted().forEach(p -> result.add(byPersonality.get(p).get(0)));
        return result;
    }
}
