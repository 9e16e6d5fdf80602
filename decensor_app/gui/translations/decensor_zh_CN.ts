<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>Restores the censored regions (bars or mosaics painted pure green) of illustrations. Nothing is downloaded: the models are the files in {folder}; their measurements are in its README.md.</source>
        <extracomment>The window&apos;s size where the screen has room (it shrinks to fit smaller screens).</extracomment>
        <translation>修复插画中被审查的区域（涂成纯绿色的条块或马赛克）。不会下载任何内容：模型就是 {folder} 中的文件，其评测结果见该文件夹的 README.md。</translation>
    </message>
    <message>
        <source>Learned models</source>
        <translation>训练模型</translation>
    </message>
    <message>
        <source>None installed: the classical models below restore.</source>
        <translation>未安装：由下面的经典方法进行修复。</translation>
    </message>
    <message>
        <source>Trained on (source, licence):</source>
        <translation>训练数据（来源、许可证）：</translation>
    </message>
    <message>
        <source>Training data: not recorded in its manifest.</source>
        <translation>训练数据：清单中没有记录。</translation>
    </message>
    <message>
        <source>Classical models (built in, no training data)</source>
        <translation>经典方法（内置，无训练数据）</translation>
    </message>
    <message>
        <source>About decensor</source>
        <extracomment>Remembered check boxes that start checked (the command&apos;s defaults).</extracomment>
        <translation>关于 decensor</translation>
    </message>
</context>
<context>
    <name>BeforeAfterView</name>
    <message>
        <source>Left click or drag: move the split line - wheel: zoom - right or middle drag, or space + drag: pan - double-click: fit - T: before / after / both</source>
        <extracomment>The side the view shows alone while toggled with ``T``. The buttons whose drag pans, as in the painting tool&apos;s canvas. Behind the view&apos;s label: dark and see-through, so white text reads on any picture. The picture&apos;s size (width, height) as last fitted; None before.</extracomment>
        <translation>左键单击或拖动：移动分割线 - 滚轮：缩放 - 右键/中键拖动或空格+拖动：平移 - 双击：适应窗口 - T：修复前/修复后/两者</translation>
    </message>
    <message>
        <source>No result selected</source>
        <translation>未选择结果</translation>
    </message>
    <message>
        <source>before</source>
        <translation>修复前</translation>
    </message>
    <message>
        <source>after</source>
        <translation>修复后</translation>
    </message>
    <message>
        <source>before | after</source>
        <translation>修复前 | 修复后</translation>
    </message>
</context>
<context>
    <name>Command</name>
    <message>
        <source>Restore the green-painted (0,255,0) regions of the PNGs in the input folder and write the results to the output folder. Inputs are never modified.</source>
        <extracomment>The translation of the messages (None: English), loaded by :func:`use_language`.</extracomment>
        <translation>修复输入文件夹中 PNG 图片里涂成绿色 (0,255,0) 的区域，并把结果写入输出文件夹。输入文件不会被修改。</translation>
    </message>
    <message>
        <source>show this help and exit</source>
        <translation>显示此帮助并退出</translation>
    </message>
    <message>
        <source>bar: invent what is under the green; mosaic: restore from the original&apos;s mosaic pixels (default: bar)</source>
        <translation>bar：重新生成绿色下面的内容；mosaic：根据原图的马赛克像素修复（默认：bar）</translation>
    </message>
    <message>
        <source>folder of green-painted PNGs (default: {folder})</source>
        <translation>涂有绿色的 PNG 所在的文件夹（默认：{folder}）</translation>
    </message>
    <message>
        <source>mosaic mode: folder of the same pictures without green, same base name, {extensions} (default: {folder})</source>
        <translation>马赛克模式：未涂绿色的同一批图片所在的文件夹，基本文件名相同，{extensions}（默认：{folder}）</translation>
    </message>
    <message>
        <source>folder for results, created if missing (default: {folder})</source>
        <translation>结果文件夹，不存在时自动创建（默认：{folder}）</translation>
    </message>
    <message>
        <source>engine to use, see --list-models (default: the installed model marked default for the censor type, else {classical})</source>
        <translation>要使用的引擎，见 --list-models（默认：已安装并标记为该审查类型默认的模型，否则为 {classical}）</translation>
    </message>
    <message>
        <source>{name} for {censor}</source>
        <translation>{censor} 用 {name}</translation>
    </message>
    <message>
        <source>how a learned model runs: onnx (ONNX Runtime on the model&apos;s exported graph: starts in a fraction of a second), keras (TensorFlow on its weights), keras-bf16 (TensorFlow computing in bfloat16: faster per patch on CPUs with AVX512-BF16 or AMX, slower to start than onnx), or auto: onnx when the model has a graph and ONNX Runtime is installed (default: auto)</source>
        <translation>学习模型的运行方式：onnx（用 ONNX Runtime 运行模型导出的图：不到一秒即可启动）、keras（用 TensorFlow 运行其权重）、keras-bf16（用 TensorFlow 以 bfloat16 计算：在具有 AVX512-BF16 或 AMX 的 CPU 上每个图块更快，但启动比 onnx 慢）或 auto（模型有图且已安装 ONNX Runtime 时使用 onnx）（默认：auto）</translation>
    </message>
    <message>
        <source>folder of installed models (default: the models/ folder shipped with the app)</source>
        <translation>已安装模型所在的文件夹（默认：应用自带的 models/ 文件夹）</translation>
    </message>
    <message>
        <source>1, 2 or 4 results per picture (flipped inputs); several are named &lt;base&gt;_v&lt;n&gt;.png</source>
        <translation>每张图片生成 1、2 或 4 个结果（翻转的输入）；多个结果命名为 &lt;base&gt;_v&lt;n&gt;.png</translation>
    </message>
    <message>
        <source>restore each region in its 8 flips and rotations and average them: slightly better (about +0.2 dB on held-out patches) at 8x the model&apos;s work; one variation only</source>
        <translation>对每个区域的 8 种翻转和旋转分别修复并取平均：效果略好（在保留的测试块上约 +0.2 dB），但模型的工作量为 8 倍；只生成一个结果</translation>
    </message>
    <message>
        <source>bar mode: leave every hole to the model; by default, where the picture around a bar repeats with a clear period (a fence, stripes, tiles, a dot screen), the pattern is continued across it</source>
        <translation>条形模式：所有空洞都交给模型。默认情况下，若条形周围的画面以清晰的周期重复（栅栏、条纹、瓷砖、网点），则将该图案延续过条形</translation>
    </message>
    <message>
        <source>replace existing outputs (default: skip them)</source>
        <translation>替换已有的输出（默认：跳过）</translation>
    </message>
    <message>
        <source>take only exact (0,255,0) pixels, not the anti-aliased fringe around them nor regions that JPEG or colour management shifted off pure green</source>
        <translation>只处理恰好为 (0,255,0) 的像素，不处理其周围的抗锯齿边缘，也不处理因 JPEG 或色彩管理而偏离纯绿色的区域</translation>
    </message>
    <message>
        <source>leave alone green that is not exact (or its fringe): by default regions that JPEG or colour management shifted off pure green are restored too, and a picture with green left outside the mask fails; with this it is restored with a warning</source>
        <translation>不处理非纯绿色的绿色（及其边缘）：默认情况下，因 JPEG 或色彩管理而偏离纯绿色的区域也会被修复，遮罩之外仍有绿色的图片会失败；使用此选项时，这类图片会修复并给出警告</translation>
    </message>
    <message>
        <source>refuse larger pictures (decompression-bomb guard; default {limit}; 0 = no limit)</source>
        <translation>拒绝更大的图片（防范解压炸弹；默认 {limit}；0 = 不限制）</translation>
    </message>
    <message>
        <source>mosaic mode without green paint: detect the mosaics and restore them (inputs may be {extensions}; each picture is its own original)</source>
        <translation>无需涂绿色的马赛克模式：检测马赛克并修复（输入可以是 {extensions}；每张图片就是它自己的原图）</translation>
    </message>
    <message>
        <source>with --auto-mask: write the pictures with the detected mosaics painted green to the output folder for review (ready for {folder}/) and restore nothing</source>
        <translation>与 --auto-mask 一起使用：将检测到的马赛克涂成绿色的图片写入输出文件夹供检查（可直接用于 {folder}/），不进行修复</translation>
    </message>
    <message>
        <source>print one JSON report on stdout (progress on stderr)</source>
        <translation>在标准输出上打印一份 JSON 报告（进度输出到标准错误）</translation>
    </message>
    <message>
        <source>list installed models and exit</source>
        <translation>列出已安装的模型并退出</translation>
    </message>
    <message>
        <source>the language of the messages, or the system&apos;s (default: system)</source>
        <translation>消息的语言，或使用系统的语言（默认：system）</translation>
    </message>
    <message>
        <source>{done}/{count} files</source>
        <translation>{done}/{count} 个文件</translation>
    </message>
    <message>
        <source>{name}: region {done}/{count}</source>
        <translation>{name}：区域 {done}/{count}</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>ARCHITECTURE</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>CENSOR</source>
        <translation>审查</translation>
    </message>
    <message>
        <source>PARAMETERS</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>DEFAULT</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>DESCRIPTION</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>BROKEN</source>
        <translation>损坏</translation>
    </message>
    <message>
        <source>restored</source>
        <translation>已修复</translation>
    </message>
    <message>
        <source>detected</source>
        <translation>已检测</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>{name} -&gt; {outputs} ({regions} regions, {seconds}s)</source>
        <translation>{name} -&gt; {outputs}（{regions} 个区域，{seconds} 秒）</translation>
    </message>
    <message>
        <source>warning: {warning}</source>
        <translation>警告：{warning}</translation>
    </message>
    <message>
        <source>{detected} detected, {skipped} skipped, {failed} failed</source>
        <translation>已检测 {detected}，跳过 {skipped}，失败 {failed}</translation>
    </message>
    <message>
        <source>{restored} restored, {skipped} skipped, {failed} failed</source>
        <translation>已修复 {restored}，跳过 {skipped}，失败 {failed}</translation>
    </message>
    <message>
        <source> ({count} with a warning)</source>
        <translation>（{count} 个有警告）</translation>
    </message>
    <message>
        <source> (model: {model})</source>
        <translation>（模型：{model}）</translation>
    </message>
    <message>
        <source>; interrupted</source>
        <translation>；已中断</translation>
    </message>
    <message>
        <source>--max-pixels must be 0 (no limit) or positive</source>
        <translation>--max-pixels 必须为 0（不限制）或正数</translation>
    </message>
    <message>
        <source>decensor: error: {error}</source>
        <translation>decensor: 错误: {error}</translation>
    </message>
    <message>
        <source>decensor: interrupted; no partial output was left</source>
        <translation>decensor: 已中断；没有留下不完整的输出</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>(out of date: its mask changed)</source>
        <extracomment>The folder rows by settings key; relative defaults start from ``base_dir``. The pipeline&apos;s messages name the command&apos;s options; the window says its own words. Added to a listed result whose input&apos;s mask was saved again in the painter.</extracomment>
        <translation>（已过期：其遮罩已更改）</translation>
    </message>
    <message>
        <source>Open in painter</source>
        <extracomment>The results list&apos;s right-click menu, by the English text (the key of ``result_actions``).</extracomment>
        <translation>在绘制工具中打开</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Redo this picture</source>
        <translation>重新修复这张图片</translation>
    </message>
    <message>
        <source>How many different restorations to make of each picture: 1 writes NAME.png; 2 or 4 write NAME_v1.png ... NAME_v4.png, each restored with another random seed, so that you can keep the best. Classical models give the same result each time.</source>
        <extracomment>Where a message of the log shows in red. What the Variations choices mean, for their tooltip.</extracomment>
        <translation>每张图片生成几种不同的修复结果：1 写出 NAME.png；2 或 4 写出 NAME_v1.png … NAME_v4.png，每个使用不同的随机种子修复，便于挑选最好的一张。经典方法每次结果相同。</translation>
    </message>
    <message>
        <source>decensor</source>
        <translation>decensor</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>Choose the folder: {what}</source>
        <translation>选择文件夹：{what}</translation>
    </message>
    <message>
        <source>Decensor</source>
        <translation>修复</translation>
    </message>
    <message>
        <source>Input folder</source>
        <translation>输入文件夹</translation>
    </message>
    <message>
        <source>The PNG pictures with the censored areas painted pure green (0, 255, 0)</source>
        <translation>审查区域涂成纯绿色 (0, 255, 0) 的 PNG 图片</translation>
    </message>
    <message>
        <source>Originals folder</source>
        <translation>原图文件夹</translation>
    </message>
    <message>
        <source>Mosaic mode only: the same pictures without green (with the mosaic), same names</source>
        <translation>仅限马赛克模式：未涂绿色的同一批图片（带马赛克），文件名相同</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <source>Where the results are written (created if missing)</source>
        <translation>结果的写入位置（不存在时自动创建）</translation>
    </message>
    <message>
        <source>Bar</source>
        <translation>条块</translation>
    </message>
    <message>
        <source>The green covers areas to paint anew (bars, blots)</source>
        <translation>绿色覆盖需要重新绘制的区域（条块、涂抹）</translation>
    </message>
    <message>
        <source>Mosaic</source>
        <translation>马赛克</translation>
    </message>
    <message>
        <source>The green marks a mosaic; the original with the mosaic, from the originals folder, guides the restoration</source>
        <translation>绿色标记马赛克；原图文件夹中带马赛克的原图用于引导修复</translation>
    </message>
    <message>
        <source>Censor type</source>
        <translation>审查类型</translation>
    </message>
    <message>
        <source>The model that restores: exactly this one is used</source>
        <translation>用于修复的模型：只使用这一个</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Variations</source>
        <translation>变体数</translation>
    </message>
    <message>
        <source>Average 8 flips (slightly better, 8x slower)</source>
        <translation>平均 8 种翻转（效果稍好，慢 8 倍）</translation>
    </message>
    <message>
        <source>Restore each region in its eight flips and rotations and average the results; gives one result per picture</source>
        <translation>对每个区域的 8 种翻转和旋转分别修复并取平均；每张图片只生成一个结果</translation>
    </message>
    <message>
        <source>Continue repeated patterns (fences, stripes)</source>
        <translation>延续重复图案（栅栏、条纹）</translation>
    </message>
    <message>
        <source>Bar mode: where the picture around a bar repeats with a clear period, continue the pattern across it instead of the model&apos;s guess</source>
        <translation>条形模式：若条形周围的画面以清晰的周期重复，则延续该图案穿过条形，而不采用模型的推测</translation>
    </message>
    <message>
        <source>Overwrite existing results</source>
        <translation>覆盖已有结果</translation>
    </message>
    <message>
        <source>Restore pictures again whose results exist, replacing them (off at every start)</source>
        <translation>重新修复已有结果的图片并替换它们（每次启动时关闭）</translation>
    </message>
    <message>
        <source>Exact green only (no anti-aliased fringe)</source>
        <translation>仅纯绿色（不含抗锯齿边缘）</translation>
    </message>
    <message>
        <source>Restore only the pure green pixels, not the blended ones at the paint&apos;s edge</source>
        <translation>只修复纯绿色像素，不修复涂抹边缘处混合的像素</translation>
    </message>
    <message>
        <source>Take near-green paint (JPEG, colour-managed exports)</source>
        <translation>包括接近绿色的涂抹（JPEG、色彩管理导出）</translation>
    </message>
    <message>
        <source>Also take regions that are almost pure green, as JPEG or a colour profile leaves the paint; off: such a picture is restored with a warning that green is left</source>
        <translation>也处理因 JPEG 或色彩配置文件而变成近似纯绿色的区域；关闭时，这类图片修复后会警告仍有绿色残留</translation>
    </message>
    <message>
        <source>Restore every PNG of the input folder (Ctrl+Return)</source>
        <translation>修复输入文件夹中的所有 PNG (Ctrl+Return)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop after the current region (Esc)</source>
        <translation>在当前区域完成后停止 (Esc)</translation>
    </message>
    <message>
        <source>Paint mask...</source>
        <translation>绘制遮罩...</translation>
    </message>
    <message>
        <source>Open the painting tool (Ctrl+P)</source>
        <translation>打开绘制工具 (Ctrl+P)</translation>
    </message>
    <message>
        <source>Pictures done of this batch</source>
        <translation>本批次已完成的图片</translation>
    </message>
    <message>
        <source>Censored regions done of the current picture</source>
        <translation>当前图片已完成的审查区域</translation>
    </message>
    <message>
        <source>What happened, with the time (File &gt; Save log keeps it)</source>
        <translation>处理记录及时间（文件 &gt; 保存日志 可保存）</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Results of this batch and earlier ones: select one to compare; right-click to fix its mask in the painter, show it in its folder or redo it</source>
        <translation>本次批处理和之前的结果：选择一个进行比较；右键单击可在绘制工具中修正其遮罩、在文件夹中显示或重新修复</translation>
    </message>
    <message>
        <source>Open output folder</source>
        <translation>打开输出文件夹</translation>
    </message>
    <message>
        <source>Show the output folder in the file manager</source>
        <translation>在文件管理器中显示输出文件夹</translation>
    </message>
    <message>
        <source>Results (drag the line: before | after; T toggles)</source>
        <translation>结果（拖动分割线：修复前 | 修复后；T 切换）</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Decensor</source>
        <translation>修复(&amp;D)</translation>
    </message>
    <message>
        <source>Restore every PNG of the input folder</source>
        <translation>修复输入文件夹中的所有 PNG</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>Stop after the current region</source>
        <translation>在当前区域完成后停止</translation>
    </message>
    <message>
        <source>&amp;Paint mask...</source>
        <translation>绘制遮罩(&amp;P)...</translation>
    </message>
    <message>
        <source>Open the painting tool</source>
        <translation>打开绘制工具</translation>
    </message>
    <message>
        <source>Choose &amp;input folder...</source>
        <translation>选择输入文件夹(&amp;I)...</translation>
    </message>
    <message>
        <source>Choose the folder of green-painted pictures</source>
        <translation>选择涂有绿色的图片所在的文件夹</translation>
    </message>
    <message>
        <source>Choose o&amp;riginals folder...</source>
        <translation>选择原图文件夹(&amp;R)...</translation>
    </message>
    <message>
        <source>Mosaic mode: choose the folder of the originals</source>
        <translation>马赛克模式：选择原图所在的文件夹</translation>
    </message>
    <message>
        <source>Choose &amp;output folder...</source>
        <translation>选择输出文件夹(&amp;O)...</translation>
    </message>
    <message>
        <source>Choose where the results go</source>
        <translation>选择结果的保存位置</translation>
    </message>
    <message>
        <source>Open output &amp;folder</source>
        <translation>打开输出文件夹(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Save log...</source>
        <translation>保存日志(&amp;S)...</translation>
    </message>
    <message>
        <source>Save the log to a text file</source>
        <translation>将日志保存到文本文件</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close the window</source>
        <translation>关闭窗口</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Copy log</source>
        <translation>复制日志(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the whole log</source>
        <translation>复制全部日志</translation>
    </message>
    <message>
        <source>C&amp;lear log</source>
        <translation>清空日志(&amp;L)</translation>
    </message>
    <message>
        <source>Empty the log</source>
        <translation>清空日志内容</translation>
    </message>
    <message>
        <source>&amp;Reset folders</source>
        <translation>重置文件夹(&amp;R)</translation>
    </message>
    <message>
        <source>Use the default folders beside the app again</source>
        <translation>重新使用应用旁边的默认文件夹</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Toggle before / after</source>
        <translation>切换修复前/修复后(&amp;T)</translation>
    </message>
    <message>
        <source>Show only before, only after, or both split</source>
        <translation>只显示修复前、只显示修复后，或分割显示两者</translation>
    </message>
    <message>
        <source>&amp;Fit</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Fit the picture in the view</source>
        <translation>使图片适应视图</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About decensor</source>
        <translation>关于 decensor(&amp;A)</translation>
    </message>
    <message>
        <source>Version and the models&apos; cards: what they were trained on, licences</source>
        <translation>版本及各模型的说明：训练数据与许可证</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
    <message>
        <source>The Qt version</source>
        <translation>Qt 版本</translation>
    </message>
    <message>
        <source>the saved {key} folder {folder} no longer exists: using {other}</source>
        <translation>保存的{key}文件夹 {folder} 已不存在：改用 {other}</translation>
    </message>
    <message>
        <source>the {key} folder {folder} does not exist: choose one (File menu)</source>
        <translation>{key}文件夹 {folder} 不存在：请选择一个（文件菜单）</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>originals</source>
        <translation>原图</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Default {censor} model: {error}</source>
        <translation>默认的 {censor} 模型：{error}</translation>
    </message>
    <message>
        <source> - default</source>
        <translation> - 默认</translation>
    </message>
    <message>
        <source>classical method</source>
        <translation>经典方法</translation>
    </message>
    <message>
        <source>learned model</source>
        <translation>训练模型</translation>
    </message>
    <message>
        <source>The model that restores, exactly this one: {tip}</source>
        <translation>用于修复的模型（只用这一个）：{tip}</translation>
    </message>
    <message>
        <source>Loading model {name}...</source>
        <translation>正在加载模型 {name}...</translation>
    </message>
    <message>
        <source>cannot load model {name}: {error}</source>
        <translation>无法加载模型 {name}：{error}</translation>
    </message>
    <message>
        <source>Model {name} cannot be loaded</source>
        <translation>无法加载模型 {name}</translation>
    </message>
    <message>
        <source>Ready (model {name} loaded)</source>
        <translation>就绪（已加载模型 {name}）</translation>
    </message>
    <message>
        <source>cannot start: {problem}</source>
        <translation>无法开始：{problem}</translation>
    </message>
    <message>
        <source>average of 8 flips</source>
        <translation>8 种翻转的平均</translation>
    </message>
    <message>
        <source>{count} variation(s)</source>
        <translation>{count} 个变体</translation>
    </message>
    <message>
        <source>Decensoring {folder} ({censor}, model {model}, {results})</source>
        <translation>正在修复 {folder}（{censor}，模型 {model}，{results}）</translation>
    </message>
    <message>
        <source>Working...</source>
        <translation>处理中...</translation>
    </message>
    <message>
        <source>Loading model {name} (once per session)...</source>
        <translation>正在加载模型 {name}（每次会话一次）...</translation>
    </message>
    <message>
        <source>files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>regions</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Cancelling after the current region...</source>
        <translation>将在当前区域完成后取消...</translation>
    </message>
    <message>
        <source>files %v of %m</source>
        <translation>文件 %v / %m</translation>
    </message>
    <message>
        <source>regions %v of %m</source>
        <translation>区域 %v / %m</translation>
    </message>
    <message>
        <source>{name}: file {done} of {count}</source>
        <translation>{name}：文件 {done} / {count}</translation>
    </message>
    <message>
        <source>{output}
compared with {before}</source>
        <translation>{output}
对比对象：{before}</translation>
    </message>
    <message>
        <source>restored {name} -&gt; {outputs} ({seconds} s)</source>
        <translation>已修复 {name} -&gt; {outputs}（{seconds} 秒）</translation>
    </message>
    <message>
        <source>warning {name}: {warning}</source>
        <translation>警告 {name}：{warning}</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>{status} {name}: {error}</source>
        <translation>{status} {name}：{error}</translation>
    </message>
    <message>
        <source>{name} (earlier result)</source>
        <translation>{name}（之前的结果）</translation>
    </message>
    <message>
        <source>{count} earlier result(s) in {folder}</source>
        <translation>{folder} 中有 {count} 个之前的结果</translation>
    </message>
    <message>
        <source>{restored} restored, {skipped} skipped, {failed} failed</source>
        <translation>已修复 {restored}，跳过 {skipped}，失败 {failed}</translation>
    </message>
    <message>
        <source> ({count} with a warning: see the log)</source>
        <translation>（{count} 个有警告：请查看日志）</translation>
    </message>
    <message>
        <source> - cancelled</source>
        <translation> - 已取消</translation>
    </message>
    <message>
        <source>could not start: {message}</source>
        <translation>未能开始：{message}</translation>
    </message>
    <message>
        <source>Save log</source>
        <translation>保存日志</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>文本文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>cannot save the log to {target}: {error}</source>
        <translation>无法将日志保存到 {target}：{error}</translation>
    </message>
    <message>
        <source>Log saved to {target}</source>
        <translation>日志已保存到 {target}</translation>
    </message>
    <message>
        <source>cannot create output folder {folder}: {error}</source>
        <translation>无法创建输出文件夹 {folder}：{error}</translation>
    </message>
    <message>
        <source>no file manager could open the output folder; it is {folder}</source>
        <translation>没有文件管理器能打开输出文件夹；它位于 {folder}</translation>
    </message>
    <message>
        <source>Open {name} in the painter to fix its mask</source>
        <translation>在绘制工具中打开 {name} 以修正其遮罩</translation>
    </message>
    <message>
        <source>Show the folder of {result} in the file manager</source>
        <translation>在文件管理器中显示 {result} 所在的文件夹</translation>
    </message>
    <message>
        <source>Restore {name} again, replacing only its own result</source>
        <translation>重新修复 {name}，只替换它自己的结果</translation>
    </message>
    <message>
        <source>no file manager could open the folder of {name}; it is {folder}</source>
        <translation>没有文件管理器能打开 {name} 所在的文件夹；它位于 {folder}</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>a batch is running: decensor the picture when it ends</source>
        <translation>批处理正在运行：请在其结束后再修复这张图片</translation>
    </message>
    <message>
        <source>input folder: {folder}</source>
        <extracomment>The old name of :meth:`decensor_picture`.</extracomment>
        <translation>输入文件夹：{folder}</translation>
    </message>
</context>
<context>
    <name>PaintCanvas</name>
    <message>
        <source>brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <source>eraser</source>
        <translation>橡皮擦</translation>
    </message>
    <message>
        <source>rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <source>lasso</source>
        <translation>套索</translation>
    </message>
    <message>
        <source>{verb} ({tool})</source>
        <translation>{verb}（{tool}）</translation>
    </message>
    <message>
        <source>erase</source>
        <translation>擦除</translation>
    </message>
    <message>
        <source>paint</source>
        <translation>涂绘</translation>
    </message>
</context>
<context>
    <name>PainterWindow</name>
    <message>
        <source>Save As...</source>
        <extracomment>The tools&apos; shortcuts, in the order of :data:`TOOLS`. Called at open and save time: (input folder, originals folder, censor type) as now chosen. The open dialog&apos;s filter: both cases, as file dialogs may match case-sensitively. Default overlay: the censor green at 55% opacity, so the picture stays visible under it. Buttons that drag to pan, in the painter as in the before/after view; left uses the tool. Zoom limits (picture pixel -&gt; widget pixels), as :meth:`ZoomPan.zoom` clamps them. The text of the &quot;Save As...&quot; button in questions that offer it.</extracomment>
        <translation>另存为...</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <extracomment>How many pictures File &gt; Open Recent lists, and its settings key (a list of paths, the latest first). The whole-mask edits of the Edit menu: shortcuts as for a selection in painting programs (Ctrl+A select all, Ctrl+D deselect, Ctrl+I invert), none of them taken in the painter.</extracomment>
        <translation>清除遮罩</translation>
    </message>
    <message>
        <source>Invert mask</source>
        <translation>反转遮罩</translation>
    </message>
    <message>
        <source>Fill mask</source>
        <translation>填满遮罩</translation>
    </message>
    <message>
        <source>Open a picture (Ctrl+O) or drop one here</source>
        <extracomment>Where Save writes the greened file once Save As chose it (None: input folder). The mask holds regions &quot;Detect mosaic&quot; found: it is a mosaic&apos;s, not a bar&apos;s.</extracomment>
        <translation>打开图片 (Ctrl+O) 或将图片拖放到这里</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Open...</source>
        <translation>打开...</translation>
    </message>
    <message>
        <source>Open a picture</source>
        <translation>打开图片</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save the greened picture (input folder)</source>
        <translation>保存涂绿的图片（输入文件夹）</translation>
    </message>
    <message>
        <source>Save the greened picture under another name</source>
        <translation>以其他名称保存涂绿的图片</translation>
    </message>
    <message>
        <source>Save and decensor</source>
        <translation>保存并修复</translation>
    </message>
    <message>
        <source>Save, then restore this picture now</source>
        <translation>保存后立即修复这张图片</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>Brush: paint green (Shift+drag erases)</source>
        <translation>画笔：涂绿色（Shift+拖动擦除）</translation>
    </message>
    <message>
        <source>Eraser: erase back to the picture</source>
        <translation>橡皮擦：擦除还原为原图</translation>
    </message>
    <message>
        <source>Rectangle: drag a box</source>
        <translation>矩形：拖出一个方框</translation>
    </message>
    <message>
        <source>Lasso: draw around an area to fill it</source>
        <translation>套索：圈出一个区域并填充</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>橡皮擦</translation>
    </message>
    <message>
        <source>Rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <source>Lasso</source>
        <translation>套索</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Brush and eraser diameter in picture pixels ([ and ] change it)</source>
        <translation>画笔和橡皮擦的直径，以图片像素计（[ 和 ] 可调整）</translation>
    </message>
    <message>
        <source>Smaller</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Smaller brush</source>
        <translation>缩小画笔</translation>
    </message>
    <message>
        <source>Larger</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Larger brush</source>
        <translation>放大画笔</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Undo {what}</source>
        <translation>撤销 {what}</translation>
    </message>
    <message>
        <source>Redo {what}</source>
        <translation>重做 {what}</translation>
    </message>
    <message>
        <source>Detect mosaic</source>
        <translation>检测马赛克</translation>
    </message>
    <message>
        <source>Find mosaics and add them to the mask (check the result)</source>
        <translation>查找马赛克并加入遮罩（请检查结果）</translation>
    </message>
    <message>
        <source>Erase the whole mask (green without an original stays)</source>
        <translation>擦除整个遮罩（没有原图的绿色会保留）</translation>
    </message>
    <message>
        <source>Mask what is not masked, and unmask what is</source>
        <translation>遮盖未遮罩的部分，并取消已遮罩的部分</translation>
    </message>
    <message>
        <source>Mask the whole picture</source>
        <translation>遮罩整张图片</translation>
    </message>
    <message>
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Fit the picture to the window</source>
        <translation>使图片适应窗口</translation>
    </message>
    <message>
        <source>Zoom: screen pixels per picture pixel</source>
        <translation>缩放：每个图片像素对应的屏幕像素数</translation>
    </message>
    <message>
        <source>Overlay colour</source>
        <translation>叠加颜色</translation>
    </message>
    <message>
        <source>Colour the mask is shown in (the saved mask stays green)</source>
        <translation>遮罩的显示颜色（保存的遮罩仍为绿色）</translation>
    </message>
    <message>
        <source> Opacity </source>
        <translation> 不透明度 </translation>
    </message>
    <message>
        <source>Opacity of the mask on screen</source>
        <translation>屏幕上遮罩的不透明度</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close the painter</source>
        <translation>关闭绘制工具</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Overlay colour...</source>
        <translation>叠加颜色...</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>清除列表</translation>
    </message>
    <message>
        <source>Forget the pictures opened last</source>
        <translation>清除最近打开的图片列表</translation>
    </message>
    <message>
        <source>{path} no longer exists</source>
        <translation>{path} 已不存在</translation>
    </message>
    <message>
        <source>Unsaved painting</source>
        <translation>未保存的绘制</translation>
    </message>
    <message>
        <source>The mask of {name} has changes that are not saved. Save them before {doing}?</source>
        <translation>{name} 的遮罩有尚未保存的更改。在{doing}之前保存吗？</translation>
    </message>
    <message>
        <source>continuing</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Paint the censor mask</source>
        <translation>绘制审查遮罩</translation>
    </message>
    <message>
        <source>opening {name}</source>
        <translation>打开 {name}</translation>
    </message>
    <message>
        <source>Cannot open</source>
        <translation>无法打开</translation>
    </message>
    <message>
        <source>Paint the censor mask - {name}[*]</source>
        <translation>绘制审查遮罩 - {name}[*]</translation>
    </message>
    <message>
        <source> - no clean original found: existing green stays</source>
        <translation> - 未找到无绿色的原图：已有的绿色保留</translation>
    </message>
    <message>
        <source>opening another picture</source>
        <translation>打开另一张图片</translation>
    </message>
    <message>
        <source>Pictures ({patterns})</source>
        <translation>图片 ({patterns})</translation>
    </message>
    <message>
        <source>no mosaic found: paint the censored area by hand</source>
        <translation>未找到马赛克：请手动涂绘审查区域</translation>
    </message>
    <message>
        <source>detect mosaic</source>
        <translation>检测马赛克</translation>
    </message>
    <message>
        <source>found {count} mosaic region(s), blocks {blocks}: check them</source>
        <translation>找到 {count} 个马赛克区域，块大小 {blocks}：请检查</translation>
    </message>
    <message>
        <source>clear mask</source>
        <translation>清除遮罩</translation>
    </message>
    <message>
        <source>invert mask</source>
        <translation>反转遮罩</translation>
    </message>
    <message>
        <source>fill mask</source>
        <translation>填满遮罩</translation>
    </message>
    <message>
        <source>{width}x{height} - {share}% masked - left: paint, Shift+left: erase, right drag or space+drag: pan, wheel: zoom</source>
        <translation>{width}x{height} - 遮罩 {share}% - 左键：涂绘，Shift+左键：擦除，右键拖动或空格+拖动：平移，滚轮：缩放</translation>
    </message>
    <message>
        <source>Cannot save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <source>not saved: the existing files were kept</source>
        <translation>未保存：已保留现有文件</translation>
    </message>
    <message>
        <source> - earlier results of it are out of date (Save and decensor redoes them)</source>
        <translation> - 该图片之前的结果已过期（“保存并修复”可重新生成）</translation>
    </message>
    <message>
        <source>saved {files}</source>
        <translation>已保存 {files}</translation>
    </message>
    <message>
        <source>Save the greened picture as</source>
        <translation>将涂绿的图片另存为</translation>
    </message>
    <message>
        <source>PNG pictures (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source> What is under the newly painted areas is replaced by green in that file.</source>
        <translation> 该文件中新涂区域下的内容将被绿色替换。</translation>
    </message>
    <message>
        <source>Replace the opened file?</source>
        <translation>替换已打开的文件吗？</translation>
    </message>
    <message>
        <source>Save the repainted mask over {path}?{lost} Its original without green is not changed.</source>
        <translation>将重新绘制的遮罩覆盖保存到 {path} 吗？{lost}其无绿色的原图不会改变。</translation>
    </message>
    <message>
        <source>{path} (a mask of {masked} px)</source>
        <translation>{path}（遮罩 {masked} px）</translation>
    </message>
    <message>
        <source>Replace existing files?</source>
        <translation>替换现有文件吗？</translation>
    </message>
    <message>
        <source>These files exist and are another picture&apos;s or an earlier save&apos;s:
{files}

Replace them with this picture (a mask of {ours} px)?</source>
        <translation>以下文件已存在，属于另一张图片或之前的保存：
{files}

用这张图片（遮罩 {ours} px）替换它们吗？</translation>
    </message>
    <message>
        <source>Restore as a mosaic?</source>
        <translation>作为马赛克修复吗？</translation>
    </message>
    <message>
        <source>This mask marks a mosaic (found by Detect mosaic, or the picture has an original without green), but the window is set to Bar. Restore it as a mosaic (the original is kept in the originals folder)? No restores it as a bar, inventing what is under it.</source>
        <translation>此遮罩标记的是马赛克（由“检测马赛克”找到，或该图片有无绿色的原图），但窗口设置为“条块”。要作为马赛克修复吗（原图保存在原图文件夹中）？选择“否”则作为条块修复，重新生成其下的内容。</translation>
    </message>
    <message>
        <source>Switch to mosaic</source>
        <translation>切换到马赛克</translation>
    </message>
    <message>
        <source>Saved {name} and its original. Set the window&apos;s censor type to Mosaic and press Decensor to restore it.</source>
        <translation>已保存 {name} 及其原图。请将窗口的审查类型设为“马赛克”，然后按“修复”进行修复。</translation>
    </message>
    <message>
        <source>closing the painter</source>
        <translation>关闭绘制工具</translation>
    </message>
    <message>
        <source>quitting</source>
        <translation>退出</translation>
    </message>
</context>
</TS>
