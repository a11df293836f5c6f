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
 */
public record ProviderInfo(String personality, String bundle, String version, List<String> formats, int full,
        int partial, int total) {
}
