// Loaded by `./gradreg jshell`: gradreg's common imports.
import java.util.*;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.buffer.DataType;
import org.gradreg.optim.*;
import org.gradreg.optim.rule.*;
import org.gradreg.optim.estimator.*;
import org.gradreg.optim.transform.*;
import org.gradreg.optim.schedule.*;
import org.gradreg.optim.landscape.*;
import static org.gradreg.optim.Optim.*;
