package io.pico.api;

import java.util.List;

/**
 * A registered provider, as the kernel sees it.
 *
 * @param personality the personality it implements
 * @param bundle the symbolic name of the bundle that registered it
 * @param version that bundle's version
 * @param formats the image formats it claims
 * @param full how many calls of its table are fully supported
 * @param partial how many are partially supported
 * @param total how many calls its table lists
 * @param ranking its service ranking ({@code service.ranking}, 0 when not set)
 * @param shadowed whether another provider of the same personality ranks above it (a higher ranking, or
 *     the same ranking and registered later): the kernel does not use it while that one is registered and
 *     falls back to it when that one leaves
 */
public record ProviderInfo(String personality, String bundle, String version, List<String> formats, int full,
        int partial, int total, int ranking, boolean shadowed) {

    /** A provider in use (not shadowed) with ranking 0, as API 1.0 described it. */
    public ProviderInfo(String personality, String bundle, String version, List<String> formats, int full,
            int partial, int total) {
        this(personality, bundle, version, formats, full, partial, total, 0, false);
    }
}
