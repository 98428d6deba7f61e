package io.github.djdd.core.naming;

import io.github.djdd.core.InvalidConfigurationException;
import java.util.List;
import java.util.Set;

/**
 * The accounts a Debian server has, or gets from its own packages, that a site's user
 * ({@code {software}-{variant}}) could be named like. A site package that found one would run the
 * site as that account, with its files and rights (www-data's: every site's uploads and nginx's
 * logs; ssl-cert's: the private keys), so the names are refused at build time; the postinst refuses
 * any other account of the site's name that it did not make.
 */
public final class SystemAccounts {
    /** Users and groups with a hyphen, the only ones a site user's name can be. */
    static final Set<String> NAMES = Set.of("www-data", "ssl-cert", "avahi-autoipd", "cups-pk-helper",
            "speech-dispatcher", "gnome-initial-setup", "libvirt-qemu", "libvirt-dnsmasq", "nm-openvpn",
            "nm-openconnect", "fwupd-refresh");
    /** Prefixes whose accounts their owners add as they go (systemd-network, systemd-journal, debian-tor, ...). */
    static final List<String> PREFIXES = List.of("systemd-", "debian-");

    private SystemAccounts() {}

    /** Whether {@code name} is, or may become, an account of the system's own. */
    public static boolean isSystemAccount(String name) {
        return NAMES.contains(name) || PREFIXES.stream().anyMatch(name::startsWith);
    }

    /**
     * Refuses a software and variant whose site user would be a system account.
     *
     * @param named whether the variant comes from {@code <variants>}; if not, only the software can be renamed
     */
    public static void refuseSiteUser(SoftwareName software, VariantName variant, boolean named)
            throws InvalidConfigurationException {
        String user = software + "-" + variant;
        if (isSystemAccount(user)) {
            throw new InvalidConfigurationException(named ? "variants" : "software", (named ? "The software '"
                    + software + "' and variant '" + variant + "' make" : "The software '" + software + "' makes")
                    + " the site user " + user + ", an account Debian systems have for themselves, as which the site"
                    + " would run with that account's files and rights: give " + (named ? "the variant (or the"
                    + " software)" : "the software") + " another name.");
        }
    }
}
