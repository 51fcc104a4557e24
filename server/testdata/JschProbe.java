// JschProbe runs one command over SSH with JSch, the SSH library of many
// Java tools (old JGit, Jenkins plugins, IDEs), as they would: it prints
// the host key type it accepted, the command's output and its exit status.
// Usage: java -cp jsch.jar JschProbe.java PORT COMMAND PRIVATE_KEY_FILE
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;

public class JschProbe {
    public static void main(String[] args) throws Exception {
        JSch jsch = new JSch();
        jsch.addIdentity(args[2]);
        Session s = jsch.getSession("git", "127.0.0.1", Integer.parseInt(args[0]));
        s.setConfig("StrictHostKeyChecking", "no");
        s.connect(30000);
        System.out.println("hostkey " + s.getHostKey().getType());
        ChannelExec ch = (ChannelExec) s.openChannel("exec");
        ch.setCommand(args[1]);
        InputStream in = ch.getInputStream();
        ch.connect(30000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
        }
        while (!ch.isClosed()) {
            Thread.sleep(20);
        }
        System.out.print(out.toString("UTF-8"));
        System.out.println("exit " + ch.getExitStatus());
        ch.disconnect();
        s.disconnect();
    }
}
