package io.pico.kernel;

import io.pico.api.Kernel;
import io.pico.api.Provider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.BundleListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Updating a library bundle that providers share (the POSIX core) swaps every personality that uses it:
 * an update alone leaves the providers wired to the old library, so the kernel refreshes the library when
 * a provider bundle depends on it. The refresh stops each dependent provider (its processes are parked and
 * their state exported), rewires it to the new library and starts it again (the new provider imports the
 * state), the same hand-over as a provider bundle's own update.
 */
@Component(immediate = true)
public final class LibrarySwaps implements BundleListener {

    private final BundleContext context;
    private final Kernel kernel;
    /** Updated libraries to refresh once the framework has started them again. */
    private final Set<Long> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Listens for updated bundles. */
    @Activate
    public LibrarySwaps(BundleContext context, @Reference Kernel kernel) {
        this.context = context;
        this.kernel = kernel;
        context.addBundleListener(this);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
    }

    /**
     * Delivered asynchronously, in order: the refresh must not start while the update still restarts the
     * library (Felix then fails that start: "Unable to acquire global lock for resolve").
     */
    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle library = event.getBundle();
        if (event.getType() == BundleEvent.STARTED && pending.remove(library.getBundleId())) {
            refresh(library);
        } else if (event.getType() == BundleEvent.UPDATED) {
            BundleStartLevel level = library.adapt(BundleStartLevel.class);
            if (library.getState() != Bundle.ACTIVE && level != null && level.isPersistentlyStarted()) {
                pending.add(library.getBundleId()); // the update starts it again: refresh after that
            } else {
                refresh(library);
            }
        }
    }

    private void refresh(Bundle library) {
        if (wiredTo(context.getBundle(), library)) {
            // a library the kernel itself uses (the API): a refresh would restart the kernel, ending every process
            return;
        }
        Set<String> personalities = new LinkedHashSet<>();
        List<Bundle> dependents = new ArrayList<>();
        for (ServiceReference<Provider> ref : providers()) {
            Bundle provider = ref.getBundle();
            if (provider == null || provider.getBundleId() == library.getBundleId()) {
                continue; // a provider bundle's own update swaps it without a refresh
            }
            if (wiredTo(provider, library)) {
                personalities.add(String.valueOf(ref.getProperty(Provider.PERSONALITY)));
                dependents.add(provider);
            }
        }
        if (dependents.isEmpty()) {
            return;
        }
        kernel.log(library.getSymbolicName() + " " + library.getVersion() + " was updated: refreshing it swaps "
                + String.join(", ", personalities) + " (providers " + dependents.stream().map(Bundle::getSymbolicName)
                        .toList() + ")");
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        wiring.refreshBundles(List.of(library));
    }

    private Collection<ServiceReference<Provider>> providers() {
        try {
            return context.getServiceReferences(Provider.class, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the bundle's current wiring gets packages or bundles from any revision of the library. */
    private static boolean wiredTo(Bundle bundle, Bundle library) {
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        if (wiring == null) {
            return false;
        }
        for (BundleWire wire : wiring.getRequiredWires(null)) {
            if (wire.getProvider().getBundle().getBundleId() == library.getBundleId()) {
                return true;
            }
        }
        return false;
    }
}
