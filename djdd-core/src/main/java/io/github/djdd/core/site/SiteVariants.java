package io.github.djdd.core.site;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.SystemAccounts;
import io.github.djdd.core.naming.VariantName;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The variants one goal works on: those {@code -Dvariant} selects from {@code <variants>}, or the
 * one unnamed site of a software without {@code <variants>}.
 *
 * @param named whether the variants come from {@code <variants>}; if not, the one site package is
 *     named after the software alone
 */
public record SiteVariants(List<SiteVariant> selected, boolean named) {

    public SiteVariants {
        selected = List.copyOf(selected);
    }

    /**
     * Checks the configured variants of {@code software}, each site user's name among them (none
     * may be a system account's), and selects from them.
     *
     * @param configured every {@code <variant>}, in POM order
     * @param selector {@code -Dvariant}: one variant's name; null or blank: all of them
     */
    public static SiteVariants select(SoftwareName software, List<SiteVariant> configured, String selector)
            throws InvalidConfigurationException {
        SiteVariants selected = select(configured, selector);
        if (configured.isEmpty()) {
            SystemAccounts.refuseSiteUser(software, VariantName.DEFAULT, false);
        }
        for (SiteVariant variant : configured) {
            SystemAccounts.refuseSiteUser(software, variant.name(), true);
        }
        return selected;
    }

    /**
     * Checks the configured variants and selects from them, where the software is not known (djdd:init
     * without {@code <software>}).
     *
     * @param configured every {@code <variant>}, in POM order
     * @param selector {@code -Dvariant}: one variant's name; null or blank: all of them
     */
    public static SiteVariants select(List<SiteVariant> configured, String selector)
            throws InvalidConfigurationException {
        Set<VariantName> seen = new HashSet<>();
        for (SiteVariant variant : configured) {
            if (!seen.add(variant.name())) {
                throw new InvalidConfigurationException("variants", "Variant '" + variant.name() + "' is configured"
                        + " twice in <variants>: give each <variant> its own <name>.");
            }
        }
        boolean all = selector == null || selector.isBlank();
        if (configured.isEmpty()) {
            if (!all) {
                throw new InvalidConfigurationException("variant", "No <variants> are configured, so -Dvariant="
                        + selector + " names nothing: drop -Dvariant or add the variant to <variants>.");
            }
            return new SiteVariants(List.of(SiteVariant.defaults(VariantName.DEFAULT)), false);
        }
        if (all) {
            return new SiteVariants(configured, true);
        }
        return new SiteVariants(List.of(configured.stream().filter(v -> v.name().value().equals(selector.strip()))
                .findFirst().orElseThrow(() -> new InvalidConfigurationException("variant", "Unknown variant '"
                        + selector + "': use one of " + configured.stream().map(v -> v.name().value())
                                .collect(Collectors.joining(", ")) + " (<variants>), or leave -Dvariant out to build"
                        + " them all."))), true);
    }

    /** Where a selected variant's site lives and what its parts are called. */
    public SiteLayout layout(SoftwareName software, SiteVariant variant) {
        return new SiteLayout(software, variant.name(), named);
    }
}
