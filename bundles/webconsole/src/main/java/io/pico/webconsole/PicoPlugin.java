package io.pico.webconsole;

import io.pico.api.Kernel;
import io.pico.api.SwapReport;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The "Pico" page of the Felix Web Console ({@code /system/console/pico}): pico processes and personality
 * providers, refreshed every second by the page's script from {@code pico/data.json}, with buttons that send a
 * signal to a process ({@code POST pico/kill}) and hot-swap a personality ({@code POST pico/swap}).
 *
 * <p>The web console authenticates every request before it reaches the plugin. The two actions also require the
 * header {@code X-Pico-Action}, which a page of another origin cannot send without the browser asking this server
 * first (which it never allows), so a foreign page cannot make a logged-in browser kill processes.
 */
@Component(service = Servlet.class, property = {
    ServletConstants.PLUGIN_LABEL + "=" + PicoPlugin.LABEL,
    ServletConstants.PLUGIN_TITLE + "=Pico",
    ServletConstants.PLUGIN_CATEGORY + "=Main",
    ServletConstants.PLUGIN_CSS_REFERENCES + "=/" + PicoPlugin.LABEL + "/res/pico.css"})
public final class PicoPlugin extends AbstractServlet {

    private static final long serialVersionUID = 1L;

    /** The page's label: its path under the console's root. */
    static final String LABEL = "pico";
    /** The header the page's script sends with every action. */
    static final String ACTION_HEADER = "X-Pico-Action";

    private final transient PicoConsole console;

    /** The page over the kernel. */
    @Activate
    public PicoPlugin(@Reference Kernel kernel) {
        this.console = new PicoConsole(kernel);
    }

    /** The page itself, framed by the console, or its data without a frame. */
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        if ("/data.json".equals(subPath(req))) {
            json(resp, HttpServletResponse.SC_OK, console.snapshot());
            return;
        }
        super.doGet(req, resp); // resources under res/; anything else renders the page (renderContent)
    }

    /** The actions: {@code kill} (pid, signal) and {@code swap} (personality). */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getHeader(ACTION_HEADER) == null) {
            json(resp, HttpServletResponse.SC_FORBIDDEN, result(false, "actions need the " + ACTION_HEADER
                    + " header (the page sends it)"));
            return;
        }
        String action = subPath(req);
        try {
            switch (action) {
                case "/kill" -> json(resp, HttpServletResponse.SC_OK,
                        result(true, console.kill(req.getParameter("pid"), req.getParameter("signal"))));
                case "/swap" -> {
                    SwapReport report = console.swap(req.getParameter("personality"));
                    json(resp, HttpServletResponse.SC_OK, result(true, "swapped " + report));
                }
                default -> json(resp, HttpServletResponse.SC_NOT_FOUND, result(false, "no action " + action));
            }
        } catch (IllegalArgumentException e) {
            json(resp, HttpServletResponse.SC_BAD_REQUEST, result(false, message(e)));
        } catch (IllegalStateException e) {
            json(resp, HttpServletResponse.SC_CONFLICT, result(false, message(e)));
        } catch (RuntimeException e) {
            json(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, result(false, message(e)));
        }
    }

    /** The page's body inside the console's frame; the script fills the tables. */
    @Override
    public void renderContent(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object pluginRoot = req.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT);
        String root = pluginRoot == null ? req.getContextPath() + req.getServletPath() + "/" + LABEL
                : pluginRoot.toString();
        PrintWriter pw = resp.getWriter();
        pw.println("<div id='pico' data-root='" + html(root) + "'>");
        pw.println("<p class='statline ui-state-highlight' id='pico-summary'>Loading&hellip;</p>");
        pw.println("<p id='pico-message' role='status'></p>");
        pw.println("<h2 class='pico-heading'>Processes</h2>");
        pw.println("<table id='pico-processes' class='tablelayout nicetable'><thead><tr>"
                + "<th>PID</th><th>Parent</th><th>Personality</th><th>Provider</th><th>State</th><th>Threads</th>"
                + "<th>CPU time</th><th>Memory</th><th>Command</th><th>Actions</th></tr></thead><tbody></tbody></table>");
        pw.println("<p id='pico-no-processes' class='pico-empty'>No pico processes.</p>");
        pw.println("<h2 class='pico-heading'>Providers</h2>");
        pw.println("<table id='pico-providers' class='tablelayout nicetable'><thead><tr>"
                + "<th>Personality</th><th>Bundle</th><th>Version</th><th>Status</th><th>Coverage</th>"
                + "<th>Image formats</th><th>Actions</th></tr></thead><tbody></tbody></table>");
        pw.println("<p id='pico-no-providers' class='pico-empty'>No personality providers.</p>");
        pw.println("</div>");
        pw.println("<script src='" + html(root) + "/res/pico.js'></script>");
    }

    /** The request's path below the plugin's label: {@code /data.json}, {@code /kill}, or empty for the page. */
    private static String subPath(HttpServletRequest req) {
        String info = req.getPathInfo();
        if (info == null) {
            return "";
        }
        String prefix = "/" + LABEL;
        return info.startsWith(prefix) ? info.substring(prefix.length()) : info;
    }

    private static Map<String, Object> result(boolean ok, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", ok);
        m.put("message", message);
        return m;
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static void json(HttpServletResponse resp, int status, Object value) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding(StandardCharsets.UTF_8.name());
        AbstractServlet.setNoCache(resp);
        resp.getWriter().write(Json.write(value));
    }

    /** Escapes text for an HTML attribute or element. */
    static String html(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '\'' -> sb.append("&#39;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
