package io.pico.api;

/**
 * A registered observer as the kernel sees it.
 *
 * @param kind {@code process} or {@code call}
 * @param bundle the symbolic name of the bundle that registered it
 * @param calls how many times the kernel called it
 * @param faults how many calls threw or overran the time budget
 * @param disabled whether the kernel stopped calling it after repeated faults
 */
public record ObserverInfo(String kind, String bundle, long calls, long faults, boolean disabled) {
}
